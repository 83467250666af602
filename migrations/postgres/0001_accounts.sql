-- Accounts: customers (and admins) and their sessions.
-- Times are integer milliseconds since the Unix epoch (UTC) on every engine.
CREATE TABLE customers (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL,          -- lower-cased email: unique case-insensitively
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CONSTRAINT customers_email_key_unique UNIQUE (email_key)
);
CREATE INDEX customers_created_idx ON customers (created_at, id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,       -- SHA-256 of the bearer token; the token is never stored
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_customer_idx ON sessions (customer_id);
