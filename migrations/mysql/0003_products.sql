-- Catalog: products, their variants, the categories they are in, and per-variant stock.
--
-- Full-text search: InnoDB FULLTEXT indexes in boolean mode, one on title and description
-- (products_search_idx) and one on the title alone (0010). Words shorter than the server's
-- innodb_ft_min_token_size (3 by default) are not indexed; a search for one reads the text
-- (src/db/search.rs).
CREATE TABLE products (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    handle      VARCHAR(255) NOT NULL,
    -- case-insensitive for the FULLTEXT indexes, which match words as the column compares them
    title       TEXT COLLATE utf8mb4_unicode_ci NOT NULL,
    -- lower-cased title, compared byte-wise on every engine so `sort=title` agrees
    sort_title  VARCHAR(600) NOT NULL,
    description TEXT COLLATE utf8mb4_unicode_ci NOT NULL,
    status      VARCHAR(16) NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    images      TEXT NOT NULL,
    -- lowest and highest variant price, kept in step with `variants` by the catalog rules;
    -- NULL while the product has no variants
    price_min   BIGINT,
    price_max   BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CONSTRAINT products_handle_unique UNIQUE (handle)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- One index per sort, led by status because shoppers only ever see `published`. MariaDB has
-- no index on an expression: the price sorts' indexes hold price_min itself.
CREATE INDEX products_newest_idx ON products (status, created_at, id);
CREATE INDEX products_title_idx ON products (status, sort_title, id);
CREATE INDEX products_price_asc_idx ON products (status, price_min, id);
CREATE INDEX products_price_desc_idx ON products (status, price_min, id);

-- Built without InnoDB's stopword list, so that "about" or "where" find what they find on SQLite
-- (a required word the index left out would make a search find nothing at all).
SET SESSION innodb_ft_enable_stopword = 0;
CREATE FULLTEXT INDEX products_search_idx ON products (title, description);
SET SESSION innodb_ft_enable_stopword = 1;

CREATE TABLE product_categories (
    product_id  VARCHAR(64) NOT NULL,
    category_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (product_id, category_id),
    CONSTRAINT product_categories_product_fk FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT product_categories_category_fk FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX product_categories_category_idx ON product_categories (category_id, product_id);

CREATE TABLE variants (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    product_id VARCHAR(64) NOT NULL,
    sku        VARCHAR(255) NOT NULL,
    title      TEXT NOT NULL,
    options    TEXT NOT NULL,
    price      BIGINT NOT NULL CHECK (price >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT variants_sku_unique UNIQUE (sku),
    CONSTRAINT variants_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX variants_product_idx ON variants (product_id, id);
CREATE INDEX variants_product_price_idx ON variants (product_id, price);

-- Stock per variant. `reserved` is held by checkouts in progress; what shoppers can buy is
-- on_hand - reserved, which the CHECK keeps from going negative whatever the callers do.
CREATE TABLE inventory_levels (
    variant_id VARCHAR(64) NOT NULL PRIMARY KEY,
    on_hand    BIGINT NOT NULL,
    reserved   BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    CONSTRAINT inventory_levels_available_check CHECK (reserved >= 0 AND on_hand >= reserved),
    CONSTRAINT inventory_levels_variant_fk FOREIGN KEY (variant_id) REFERENCES variants (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every change to a stock level, append-only.
CREATE TABLE inventory_ledger (
    id             VARCHAR(64) NOT NULL PRIMARY KEY,
    variant_id     VARCHAR(64) NOT NULL,
    kind           VARCHAR(32) NOT NULL,
    on_hand_delta  BIGINT NOT NULL,
    reserved_delta BIGINT NOT NULL,
    on_hand_after  BIGINT NOT NULL,
    reserved_after BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    CONSTRAINT inventory_ledger_variant_fk FOREIGN KEY (variant_id) REFERENCES variants (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX inventory_ledger_variant_idx ON inventory_ledger (variant_id, created_at, id);
