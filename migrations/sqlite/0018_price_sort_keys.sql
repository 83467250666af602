-- The price sorts' keys as columns, so that every engine sorts by an index on the same text
-- (MySQL and MariaDB have no index on an expression). A product without variants has no price
-- and sorts after every priced one either way. VIRTUAL: SQLite cannot add a STORED column, and
-- the index holds the value anyway.
ALTER TABLE products
    ADD COLUMN price_key_asc INTEGER GENERATED ALWAYS AS (COALESCE(price_min, 9223372036854775807)) VIRTUAL;
ALTER TABLE products
    ADD COLUMN price_key_desc INTEGER GENERATED ALWAYS AS (COALESCE(price_min, -1)) VIRTUAL;
DROP INDEX products_price_asc_idx;
DROP INDEX products_price_desc_idx;
CREATE INDEX products_price_asc_idx ON products (status, price_key_asc, id);
CREATE INDEX products_price_desc_idx ON products (status, price_key_desc, id);
