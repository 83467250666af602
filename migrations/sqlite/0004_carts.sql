-- Carts: a guest's is reached by its unguessable id alone; a customer's only by that customer.
CREATE TABLE carts (
    id          TEXT PRIMARY KEY,
    customer_id TEXT REFERENCES customers (id),
    status      TEXT NOT NULL CHECK (status IN ('open', 'completed')),
    -- the order the cart became, once checked out
    order_id    TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX carts_customer_idx ON carts (customer_id, created_at);

-- One line per variant: adding a variant again adds to its quantity. No price is kept here:
-- a cart always shows the variant's current price.
CREATE TABLE cart_items (
    id         TEXT PRIMARY KEY,
    cart_id    TEXT NOT NULL REFERENCES carts (id),
    variant_id TEXT NOT NULL REFERENCES variants (id),
    quantity   BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT cart_items_variant_unique UNIQUE (cart_id, variant_id)
);
