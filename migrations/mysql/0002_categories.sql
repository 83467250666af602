-- Catalog: categories form a tree through parent_id.
CREATE TABLE categories (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    handle     VARCHAR(255) NOT NULL,
    name       TEXT NOT NULL,
    parent_id  VARCHAR(64),
    created_at BIGINT NOT NULL,
    CONSTRAINT categories_handle_unique UNIQUE (handle),
    CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX categories_created_idx ON categories (created_at, id);
