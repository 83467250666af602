-- The outbox's delivery columns are in 0005.
CREATE INDEX outbox_due_idx ON outbox (status, available_at);

-- More keys to an order besides the one shown at checkout: the confirmation email's link
-- carries its own, minted when the email is sent. Only hashes are kept.
CREATE TABLE order_access_tokens (
    token_hash VARCHAR(128) NOT NULL PRIMARY KEY,
    order_id   VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT order_access_tokens_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Password reset tokens: single use, valid for an hour, kept as hashes.
CREATE TABLE password_resets (
    token_hash  VARCHAR(128) NOT NULL PRIMARY KEY,
    customer_id VARCHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    CONSTRAINT password_resets_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX password_resets_customer_idx ON password_resets (customer_id);
