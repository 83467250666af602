-- Orders, their line snapshots, payments, and the outbox of side effects.

-- Order numbers come from a counter row: `UPDATE … RETURNING` hands out each number once on
-- both engines, whatever runs concurrently.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('order_number', 1000);

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    number            BIGINT NOT NULL,
    cart_id           TEXT NOT NULL REFERENCES carts (id),
    customer_id       TEXT REFERENCES customers (id),
    email             TEXT NOT NULL,
    -- `failed`: the payment was declined or failed; the stock went back and the cart reopened.
    -- Only admins see such orders.
    status            TEXT NOT NULL CHECK (status IN
                          ('pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded', 'failed')),
    currency          TEXT NOT NULL,
    subtotal          BIGINT NOT NULL,
    total             BIGINT NOT NULL,
    shipping_address  TEXT NOT NULL,
    access_token_hash TEXT NOT NULL,
    tracking_number   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    CONSTRAINT orders_number_unique UNIQUE (number)
);
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at, id);
CREATE INDEX orders_status_idx ON orders (status, created_at, id);
CREATE INDEX orders_created_idx ON orders (created_at, id);

-- What was bought, as it was when bought: later catalog changes do not touch it.
CREATE TABLE order_items (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    variant_id    TEXT NOT NULL REFERENCES variants (id),
    product_id    TEXT NOT NULL REFERENCES products (id),
    product_title TEXT NOT NULL,
    variant_title TEXT NOT NULL,
    sku           TEXT NOT NULL,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    unit_price    BIGINT NOT NULL,
    line_total    BIGINT NOT NULL,
    position      BIGINT NOT NULL
);
CREATE INDEX order_items_order_idx ON order_items (order_id, position);

CREATE TABLE payments (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    provider      TEXT NOT NULL,
    -- the provider's own id for the charge (a PaymentIntent id for Stripe)
    reference     TEXT,
    amount        BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    failure_code  TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT payments_order_unique UNIQUE (order_id)
);

-- Side effects (emails, webhooks) written in the same transaction as the change that causes
-- them, delivered later by a worker.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    topic        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    last_error   TEXT
);
CREATE INDEX outbox_pending_idx ON outbox (delivered_at, available_at);

-- The built-in `test` payment provider's own records. It stands in for an external gateway,
-- so it writes outside the store's transactions: a charge it made survives a crash of ours.
CREATE TABLE test_provider_charges (
    idempotency_key TEXT PRIMARY KEY,
    reference       TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    refunded        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
