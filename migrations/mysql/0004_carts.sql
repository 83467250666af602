-- Carts: a guest's is reached by its unguessable id alone; a customer's only by that customer.
CREATE TABLE carts (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    customer_id VARCHAR(64),
    status      VARCHAR(16) NOT NULL CHECK (status IN ('open', 'completed')),
    -- the order the cart became, once checked out
    order_id    VARCHAR(64),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CONSTRAINT carts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX carts_customer_idx ON carts (customer_id, created_at);

-- One line per variant: adding a variant again adds to its quantity. No price is kept here:
-- a cart always shows the variant's current price.
CREATE TABLE cart_items (
    id         VARCHAR(64) NOT NULL PRIMARY KEY,
    cart_id    VARCHAR(64) NOT NULL,
    variant_id VARCHAR(64) NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT cart_items_variant_unique UNIQUE (cart_id, variant_id),
    CONSTRAINT cart_items_cart_fk FOREIGN KEY (cart_id) REFERENCES carts (id),
    CONSTRAINT cart_items_variant_fk FOREIGN KEY (variant_id) REFERENCES variants (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
