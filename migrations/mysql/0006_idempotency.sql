-- Idempotency keys: the first response to a POST with an `Idempotency-Key`, replayed to
-- retries for 24 hours, kept as digests with sealed answers (src/http/idempotency/seal.rs).
-- `status` is NULL while the first request is still running; its claim has an owner and a
-- lease it renews. `key` is a reserved word in MySQL: it is always written "key".
CREATE TABLE idempotency_keys (
    scope         VARCHAR(255) NOT NULL,
    "key"         VARCHAR(255) NOT NULL,
    request_hash  VARCHAR(255) NOT NULL,
    status        BIGINT,
    content_type  TEXT,
    body          MEDIUMTEXT,
    created_at    BIGINT NOT NULL,
    completed_at  BIGINT,
    owner         VARCHAR(255) NOT NULL DEFAULT '',
    locked_until  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, "key")
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
