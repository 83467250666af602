-- no-transaction
-- Partial fulfilment (issue 21), part 1: orders may be `partially_fulfilled` until every unit
-- has shipped (0023 adds the shipments).
--
-- SQLite cannot change a CHECK constraint: `orders` is rebuilt with the new status in its
-- CHECK, as SQLite's documented procedure does it (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): foreign keys off, outside any transaction;
-- then, in one transaction, the new table, the rows, the swap and the indexes (the tables that
-- refer to `orders` by name refer to the new one). The migration is marked applied after the
-- commit; run again after a crash in between, it rebuilds the table a second time, to the same
-- result. That is why it does nothing else.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE orders_rebuilt (
    id                TEXT PRIMARY KEY,
    number            BIGINT NOT NULL,
    cart_id           TEXT NOT NULL REFERENCES carts (id),
    customer_id       TEXT REFERENCES customers (id),
    email             TEXT NOT NULL,
    -- `failed`: the payment was declined or failed; the stock went back and the cart reopened.
    -- Only admins see such orders.
    status            TEXT NOT NULL CHECK (status IN
                          ('pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'cancelled',
                           'refunded', 'failed')),
    currency          TEXT NOT NULL,
    subtotal          BIGINT NOT NULL,
    total             BIGINT NOT NULL,
    shipping_address  TEXT NOT NULL,
    access_token_hash TEXT NOT NULL,
    tracking_number   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    shipping_total    BIGINT NOT NULL DEFAULT 0,
    tax_total         BIGINT NOT NULL DEFAULT 0,
    discount_total    BIGINT NOT NULL DEFAULT 0,
    tax_included      BIGINT NOT NULL DEFAULT 0 CHECK (tax_included IN (0, 1)),
    tax_provider      TEXT,
    region            TEXT,
    shipping          TEXT,
    CONSTRAINT orders_number_unique UNIQUE (number)
);
INSERT INTO orders_rebuilt (id, number, cart_id, customer_id, email, status, currency, subtotal, total,
    shipping_address, access_token_hash, tracking_number, created_at, updated_at, shipping_total, tax_total,
    discount_total, tax_included, tax_provider, region, shipping)
SELECT id, number, cart_id, customer_id, email, status, currency, subtotal, total,
    shipping_address, access_token_hash, tracking_number, created_at, updated_at, shipping_total, tax_total,
    discount_total, tax_included, tax_provider, region, shipping
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_rebuilt RENAME TO orders;
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at, id);
CREATE INDEX orders_status_idx ON orders (status, created_at, id);
CREATE INDEX orders_created_idx ON orders (created_at, id);
CREATE INDEX orders_cart_idx ON orders (cart_id);
CREATE INDEX orders_email_idx ON orders (LOWER(email), created_at, id);
COMMIT;
PRAGMA foreign_keys = ON;
