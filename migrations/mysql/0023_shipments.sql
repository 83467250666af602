-- Partial fulfilment (issue 21), part 2: an order ships in one or more shipments, each with
-- its own carrier and tracking.

-- Units of each line in shipments that are not cancelled: never more than the line's quantity
-- (the CHECK, and the guarded update that raises it).
ALTER TABLE order_items
    ADD COLUMN fulfilled_quantity BIGINT NOT NULL DEFAULT 0,
    ADD CONSTRAINT order_items_fulfilled_check CHECK (fulfilled_quantity BETWEEN 0 AND quantity);

-- Orders fulfilled before shipments existed shipped whole.
UPDATE order_items SET fulfilled_quantity = quantity WHERE order_id IN (SELECT id FROM orders WHERE status = 'fulfilled');

-- `shipped` until an admin marks it `delivered`; it can be `cancelled` (its units go back to
-- the unfulfilled) only before that.
CREATE TABLE shipments (
    id              VARCHAR(64) NOT NULL PRIMARY KEY,
    order_id        VARCHAR(64) NOT NULL,
    status          VARCHAR(16) NOT NULL CHECK (status IN ('shipped', 'delivered', 'cancelled')),
    carrier         VARCHAR(100),
    tracking_number VARCHAR(100),
    tracking_url    TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT shipments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX shipments_order_idx ON shipments (order_id, created_at, id);

CREATE TABLE shipment_items (
    shipment_id   VARCHAR(64) NOT NULL,
    order_item_id VARCHAR(64) NOT NULL,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, order_item_id),
    CONSTRAINT shipment_items_shipment_fk FOREIGN KEY (shipment_id) REFERENCES shipments (id),
    CONSTRAINT shipment_items_item_fk FOREIGN KEY (order_item_id) REFERENCES order_items (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX shipment_items_item_idx ON shipment_items (order_item_id);
