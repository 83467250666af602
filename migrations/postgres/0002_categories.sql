-- Catalog: categories form a tree through parent_id.
CREATE TABLE categories (
    id         TEXT PRIMARY KEY,
    handle     TEXT NOT NULL,
    name       TEXT NOT NULL,
    parent_id  TEXT REFERENCES categories (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT categories_handle_unique UNIQUE (handle)
);
CREATE INDEX categories_created_idx ON categories (created_at, id);
