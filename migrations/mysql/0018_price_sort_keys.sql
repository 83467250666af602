-- The price sorts' keys as columns, so that every engine sorts by an index on the same text
-- (this engine has no index on an expression). A product without variants has no price and
-- sorts after every priced one either way. VIRTUAL: computed on read, kept in the indexes.
ALTER TABLE products
    ADD COLUMN price_key_asc BIGINT AS (COALESCE(price_min, 9223372036854775807)) VIRTUAL,
    ADD COLUMN price_key_desc BIGINT AS (COALESCE(price_min, -1)) VIRTUAL;
DROP INDEX products_price_asc_idx ON products;
DROP INDEX products_price_desc_idx ON products;
CREATE INDEX products_price_asc_idx ON products (status, price_key_asc, id);
CREATE INDEX products_price_desc_idx ON products (status, price_key_desc, id);
