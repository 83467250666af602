-- `counters` went on SQLite in 0009; PostgreSQL drops its copy now.
SELECT 1;
