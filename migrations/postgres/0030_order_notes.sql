-- Staff notes on an order (issue 23): what support or fulfilment staff want the others to know
-- ("the customer called: leave it with the neighbour"). Kept with who wrote them, as they were
-- then; never shown to the customer.
CREATE TABLE order_notes (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    author_id    TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX order_notes_order_idx ON order_notes (order_id, created_at, id);
