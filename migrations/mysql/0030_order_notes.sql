-- Staff notes on an order (issue 23): what support or fulfilment staff want the others to know
-- ("the customer called: leave it with the neighbour"). Kept with who wrote them, as they were
-- then; never shown to the customer.
CREATE TABLE order_notes (
    id           VARCHAR(64) PRIMARY KEY,
    order_id     VARCHAR(64) NOT NULL,
    author_id    VARCHAR(64) NOT NULL,
    author_email VARCHAR(255) NOT NULL,
    author_name  VARCHAR(255) NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    CONSTRAINT order_notes_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX order_notes_order_idx ON order_notes (order_id, created_at, id);
