-- Nothing to do on SQLite. PostgreSQL had one more migration (0010, a title-only search
-- index SQLite has no use for), so from here on both engines number their migrations alike;
-- tests/api/schema.rs fails when they drift apart again.
SELECT 1;
