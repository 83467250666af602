-- Admins find orders by the customer's email, whatever its case (GET /v1/admin/orders?email=…).
CREATE INDEX orders_email_idx ON orders (LOWER(email), created_at, id);
