-- MySQL/MariaDB: the same schema as migrations/postgres, written for InnoDB. Each file holds
-- its version's tables as they stand after every later version (a database on this engine
-- starts from here, never from an older schema), so a later version with nothing left to do
-- here is `DO 0`.
--
-- Every table compares text byte by byte (utf8mb4_bin), as SQLite does and PostgreSQL does
-- for the keys that are sorted. Text that is a key or indexed is VARCHAR, sized above what
-- the API accepts for it; other text is TEXT. Times are integer milliseconds since the Unix
-- epoch (UTC). Foreign keys are table constraints: MySQL 8 ignores REFERENCES on a column.
CREATE TABLE customers (
    id                 VARCHAR(64) NOT NULL PRIMARY KEY,
    email              VARCHAR(320) NOT NULL,
    email_key          VARCHAR(320) NOT NULL,   -- lower-cased email: unique case-insensitively
    name               TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    role               VARCHAR(16) NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    credential_version BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT customers_email_key_unique UNIQUE (email_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX customers_created_idx ON customers (created_at, id);

CREATE TABLE sessions (
    id                 VARCHAR(64) NOT NULL PRIMARY KEY,
    token_hash         VARCHAR(128) NOT NULL UNIQUE,   -- SHA-256 of the bearer token
    customer_id        VARCHAR(64) NOT NULL,
    created_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    credential_version BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT sessions_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX sessions_customer_idx ON sessions (customer_id);
