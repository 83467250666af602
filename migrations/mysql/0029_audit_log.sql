-- The audit log (issue 23): every write an admin makes over the API, who made it, when, to what,
-- and the object before and after. The entry is written before the change is attempted (its
-- `http_status` NULL) and completed with the answer after, so a process that stops in between
-- leaves an entry whose outcome is unknown, never a change without one.
CREATE TABLE audit_log (
    id            VARCHAR(64) PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    staff_id      VARCHAR(64) NOT NULL,
    staff_email   VARCHAR(255) NOT NULL,
    staff_role    VARCHAR(64) NOT NULL,
    method        VARCHAR(64) NOT NULL,
    route         VARCHAR(255) NOT NULL,
    path          MEDIUMTEXT NOT NULL,
    object_type   VARCHAR(64),
    object_id     VARCHAR(64),
    http_status   BIGINT,
    error_code    VARCHAR(64),
    request_body  MEDIUMTEXT,
    before_state  MEDIUMTEXT,
    after_state   MEDIUMTEXT,
    request_id    VARCHAR(64),
    updated_at    BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX audit_log_created_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, created_at, id);
CREATE INDEX audit_log_object_idx ON audit_log (object_id, created_at, id);
