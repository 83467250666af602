-- Browsers that have signed in to an account before (a random token in the `oxcart_device`
-- cookie, stored only as its SHA-256). A known device is exempt from the per-account ceiling
-- on failed logins, so nobody can keep a customer out of their own account by failing logins
-- for it from many addresses.
CREATE TABLE known_devices (
    token_hash   TEXT PRIMARY KEY,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX known_devices_customer_idx ON known_devices (customer_id, last_seen_at);
