-- The delivery worker's claim reads one index entry, however long the backlog: pending
-- messages by due time, and `sending` ones by lease (a lease that ran out means the worker
-- died). The (status, available_at) index cannot order two statuses at once, so every claim
-- used to sort the whole backlog, and grew slower as mail piled up. `outbox_pending_idx`
-- predates the status column; no query reads it.
DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_due_idx ON outbox (available_at, id) WHERE status = 'pending';
CREATE INDEX outbox_lease_idx ON outbox (lease_until) WHERE status = 'sending';
