-- Admins find orders by the customer's email, whatever its case. MariaDB has no index on an
-- expression (LOWER(email)); this one serves the email's exact case only.
CREATE INDEX orders_email_idx ON orders (email, created_at, id);
