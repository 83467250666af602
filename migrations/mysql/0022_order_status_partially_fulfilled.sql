-- Partial fulfilment (issue 21), part 1: orders may be `partially_fulfilled` until every unit
-- has shipped (0023 adds the shipments).
ALTER TABLE orders MODIFY status VARCHAR(32) NOT NULL CHECK (status IN
    ('pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'cancelled', 'refunded', 'failed'));
