-- The audit log (issue 23): every write an admin makes over the API, who made it, when, to what,
-- and the object before and after. The entry is written before the change is attempted (its
-- `http_status` NULL) and completed with the answer after, so a process that stops in between
-- leaves an entry whose outcome is unknown, never a change without one.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    staff_id      TEXT NOT NULL,
    staff_email   TEXT NOT NULL,
    staff_role    TEXT NOT NULL,
    method        TEXT NOT NULL,
    route         TEXT NOT NULL,
    path          TEXT NOT NULL,
    object_type   TEXT,
    object_id     TEXT,
    http_status   BIGINT,
    error_code    TEXT,
    request_body  TEXT,
    before_state  TEXT,
    after_state   TEXT,
    request_id    TEXT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, created_at, id);
CREATE INDEX audit_log_object_idx ON audit_log (object_id, created_at, id);
