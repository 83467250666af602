-- Staff accounts (issue 23): an owner can disable an admin. A disabled account cannot sign in,
-- and disabling moves its credentials to a new version, which ends its sessions at once.
ALTER TABLE customers ADD COLUMN disabled_at BIGINT;
