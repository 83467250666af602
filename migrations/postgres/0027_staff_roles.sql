-- Staff roles (issue 23): what an admin account may do. Every admin (`role = 'admin'`) has one,
-- and only admins do; the admins there are already become owners. The routes each role may call
-- are in src/staff/permissions.rs and docs/API.md ("Staff roles").
ALTER TABLE customers ADD COLUMN staff_role TEXT
    CHECK (staff_role IN ('owner', 'manager', 'fulfilment', 'support', 'read_only'));
UPDATE customers SET staff_role = 'owner' WHERE role = 'admin';
