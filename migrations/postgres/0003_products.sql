-- Catalog: products, their variants, the categories they are in, and per-variant stock.
--
-- Full-text search: `search_vector` weighs the title (A) above the description (B); the
-- GIN index serves `@@`.
CREATE TABLE products (
    id          TEXT PRIMARY KEY,
    handle      TEXT NOT NULL,
    title       TEXT NOT NULL,
    -- lower-cased title, compared byte-wise on both engines so `sort=title` agrees
    sort_title  TEXT COLLATE "C" NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    images      TEXT NOT NULL,
    -- lowest and highest variant price, kept in step with `variants` by the catalog rules;
    -- NULL while the product has no variants
    price_min   BIGINT,
    price_max   BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
    ) STORED,
    CONSTRAINT products_handle_unique UNIQUE (handle)
);
-- One index per sort, led by status because shoppers only ever see `published`.
CREATE INDEX products_newest_idx ON products (status, created_at, id);
CREATE INDEX products_title_idx ON products (status, sort_title, id);
CREATE INDEX products_price_asc_idx ON products (status, (COALESCE(price_min, 9223372036854775807)), id);
CREATE INDEX products_price_desc_idx ON products (status, (COALESCE(price_min, -1)), id);

CREATE INDEX products_search_idx ON products USING GIN (search_vector);

CREATE TABLE product_categories (
    product_id  TEXT NOT NULL REFERENCES products (id),
    category_id TEXT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (product_id, category_id)
);
CREATE INDEX product_categories_category_idx ON product_categories (category_id, product_id);

CREATE TABLE variants (
    id         TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products (id),
    sku        TEXT NOT NULL,
    title      TEXT NOT NULL,
    options    TEXT NOT NULL,
    price      BIGINT NOT NULL CHECK (price >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT variants_sku_unique UNIQUE (sku)
);
CREATE INDEX variants_product_idx ON variants (product_id, id);
CREATE INDEX variants_product_price_idx ON variants (product_id, price);

-- Stock per variant. `reserved` is held by checkouts in progress; what shoppers can buy is
-- on_hand - reserved, which the CHECK keeps from going negative whatever the callers do.
CREATE TABLE inventory_levels (
    variant_id TEXT PRIMARY KEY REFERENCES variants (id),
    on_hand    BIGINT NOT NULL,
    reserved   BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    CONSTRAINT inventory_levels_available_check CHECK (reserved >= 0 AND on_hand >= reserved)
);

-- Every change to a stock level, append-only.
CREATE TABLE inventory_ledger (
    id             TEXT PRIMARY KEY,
    variant_id     TEXT NOT NULL REFERENCES variants (id),
    kind           TEXT NOT NULL,
    on_hand_delta  BIGINT NOT NULL,
    reserved_delta BIGINT NOT NULL,
    on_hand_after  BIGINT NOT NULL,
    reserved_after BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX inventory_ledger_variant_idx ON inventory_ledger (variant_id, created_at, id);
