-- The delivery worker's claim reads one index entry, however long the backlog: pending
-- messages by due time, and `sending` ones by lease. MySQL has no partial indexes, so each is
-- led by the status it serves.
CREATE INDEX outbox_pending_due_idx ON outbox (status, available_at, id);
CREATE INDEX outbox_lease_idx ON outbox (status, lease_until);
