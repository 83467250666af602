-- Browsers that have signed in to an account before (a random token in the `oxcart_device`
-- cookie, stored only as its SHA-256). A known device is exempt from the per-account ceiling
-- on failed logins.
CREATE TABLE known_devices (
    token_hash   VARCHAR(128) NOT NULL PRIMARY KEY,
    customer_id  VARCHAR(64) NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    CONSTRAINT known_devices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX known_devices_customer_idx ON known_devices (customer_id, last_seen_at);
