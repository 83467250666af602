-- Abandoned guest carts are swept (cart::sweep_abandoned): found by when they last changed,
-- and kept while any order, even a failed one, names them.
CREATE INDEX carts_abandoned_idx ON carts (updated_at) WHERE customer_id IS NULL AND order_id IS NULL;
CREATE INDEX orders_cart_idx ON orders (cart_id);
