-- Order numbers come from a sequence on PostgreSQL (see Engine::next_order_number): the
-- counter row serialised every checkout behind the one before it. It goes on from the counter.
CREATE SEQUENCE order_number_seq;
SELECT setval('order_number_seq', (SELECT value FROM counters WHERE name = 'order_number'));
