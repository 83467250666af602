-- Order numbers on SQLite are the highest so far plus one (see Engine::next_order_number):
-- with one writer at a time that is safe, and it saves a statement per checkout. The counter
-- always equalled the highest number, since both changed in the same transaction.
DROP TABLE counters;
