-- Idempotency keys: the first response to a POST with an `Idempotency-Key`, replayed to
-- retries for 24 hours. `status` is NULL while the first request is still running.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT,
    content_type  TEXT,
    body          TEXT,
    created_at    BIGINT NOT NULL,
    completed_at  BIGINT,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
