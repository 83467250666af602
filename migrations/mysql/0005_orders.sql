-- Orders, their line snapshots, payments, and the outbox of side effects.

-- Order numbers: `number` is AUTO_INCREMENT here (MySQL has no sequences; see
-- Engine::next_order_number), starting after 1000 as on the other engines.
CREATE TABLE orders (
    id                VARCHAR(64) NOT NULL PRIMARY KEY,
    number            BIGINT NOT NULL AUTO_INCREMENT,
    cart_id           VARCHAR(64) NOT NULL,
    customer_id       VARCHAR(64),
    email             VARCHAR(320) NOT NULL,
    -- `failed`: the payment was declined or failed; the stock went back and the cart reopened.
    -- Only admins see such orders.
    status            VARCHAR(32) NOT NULL CHECK (status IN
                          ('pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded', 'failed')),
    currency          VARCHAR(8) NOT NULL,
    subtotal          BIGINT NOT NULL,
    total             BIGINT NOT NULL,
    shipping_address  TEXT NOT NULL,
    access_token_hash VARCHAR(128) NOT NULL,
    tracking_number   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    CONSTRAINT orders_number_unique UNIQUE (number),
    CONSTRAINT orders_cart_fk FOREIGN KEY (cart_id) REFERENCES carts (id),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin AUTO_INCREMENT = 1001;
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at, id);
CREATE INDEX orders_status_idx ON orders (status, created_at, id);
CREATE INDEX orders_created_idx ON orders (created_at, id);

-- What was bought, as it was when bought: later catalog changes do not touch it.
CREATE TABLE order_items (
    id            VARCHAR(64) NOT NULL PRIMARY KEY,
    order_id      VARCHAR(64) NOT NULL,
    variant_id    VARCHAR(64) NOT NULL,
    product_id    VARCHAR(64) NOT NULL,
    product_title TEXT NOT NULL,
    variant_title TEXT NOT NULL,
    sku           VARCHAR(255) NOT NULL,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    unit_price    BIGINT NOT NULL,
    line_total    BIGINT NOT NULL,
    position      BIGINT NOT NULL,
    CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_items_variant_fk FOREIGN KEY (variant_id) REFERENCES variants (id),
    CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX order_items_order_idx ON order_items (order_id, position);

CREATE TABLE payments (
    id            VARCHAR(64) NOT NULL PRIMARY KEY,
    order_id      VARCHAR(64) NOT NULL,
    provider      VARCHAR(32) NOT NULL,
    -- the provider's own id for the charge (a PaymentIntent id for Stripe)
    reference     VARCHAR(255),
    amount        BIGINT NOT NULL,
    currency      VARCHAR(8) NOT NULL,
    status        VARCHAR(16) NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    failure_code  TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT payments_order_unique UNIQUE (order_id),
    CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Side effects (emails, webhooks) written in the same transaction as the change that causes
-- them, delivered later by a worker. `status`: `pending` (due at `available_at`), `sending`
-- (claimed by a worker until `lease_until`), `delivered`, or `dead`.
CREATE TABLE outbox (
    id           VARCHAR(64) NOT NULL PRIMARY KEY,
    topic        VARCHAR(64) NOT NULL,
    payload      MEDIUMTEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    last_error   TEXT,
    status       VARCHAR(16) NOT NULL DEFAULT 'pending',
    lease_until  BIGINT
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The built-in `test` payment provider's own records. It stands in for an external gateway,
-- so it writes outside the store's transactions: a charge it made survives a crash of ours.
CREATE TABLE test_provider_charges (
    idempotency_key VARCHAR(255) NOT NULL PRIMARY KEY,
    reference       VARCHAR(255) NOT NULL,
    amount          BIGINT NOT NULL,
    currency        VARCHAR(8) NOT NULL,
    outcome         VARCHAR(32) NOT NULL,
    refunded        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
