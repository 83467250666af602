-- Sessions are bound to the credentials they were opened with. A password change bumps the
-- customer's credential_version; a session is live only while its version is the customer's,
-- so one opened from a login that checked the old password is dead whenever it was written.
ALTER TABLE customers ADD COLUMN credential_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN credential_version BIGINT NOT NULL DEFAULT 0;
