-- Idempotency keys are kept as digests with sealed answers (src/http/idempotency/seal.rs), and
-- each claim has an owner and a lease it renews while its request runs. Rows written before
-- held keys and answers in the clear (session and order tokens among them): they are dropped.
-- That only means a retry within their 24 hours runs again, which every write is guarded for.
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency_keys ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
