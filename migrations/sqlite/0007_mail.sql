-- Delivery state of the outbox: `pending` (due at `available_at`), `sending` (claimed by a
-- worker until `lease_until`; an expired lease means the worker died and the row is due
-- again), `delivered`, or `dead` (gave up after too many attempts; admins can see why).
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
CREATE INDEX outbox_due_idx ON outbox (status, available_at);

-- More keys to an order besides the one shown at checkout: the confirmation email's link
-- carries its own, minted when the email is sent. Only hashes are kept.
CREATE TABLE order_access_tokens (
    token_hash TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders (id),
    created_at BIGINT NOT NULL
);

-- Password reset tokens: single use, valid for an hour, kept as hashes.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_customer_idx ON password_resets (customer_id);
