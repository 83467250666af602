-- Abandoned guest carts are swept (cart::sweep_abandoned): found by when they last changed,
-- and kept while any order, even a failed one, names them. No partial index: the guest carts
-- with no order lead this one.
CREATE INDEX carts_abandoned_idx ON carts (customer_id, order_id, updated_at);
CREATE INDEX orders_cart_idx ON orders (cart_id);
