-- Order numbers come from `order_number_seq` since 0009; the counter row it was seeded from is
-- dead weight (SQLite dropped its copy in its 0009).
DROP TABLE counters;
