-- Shipping (issue 21). Variants say how they are taxed and shipped; each region has its
-- shipping options. `requires_shipping` is 0 or 1 (no engine-specific booleans), `weight` is in
-- grams (0 when not given).
--
-- SQLite cannot add a column with a REFERENCES clause and a default other than NULL while
-- foreign keys are enforced, so here the tax class is checked by the catalog rules alone (there
-- is no way to delete a tax class); PostgreSQL and MySQL also hold the foreign key.
ALTER TABLE variants ADD COLUMN tax_class TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE variants ADD COLUMN weight BIGINT NOT NULL DEFAULT 0 CHECK (weight >= 0);
ALTER TABLE variants ADD COLUMN requires_shipping BIGINT NOT NULL DEFAULT 1 CHECK (requires_shipping IN (0, 1));
CREATE INDEX variants_tax_class_idx ON variants (tax_class);

-- A way to ship an order to a region, and what it costs: a flat `amount`, or `tiers` by the
-- items' subtotal or weight (JSON: `[{"up_to": n or null, "amount": n}]`, ascending; a cart
-- above the last tier's `up_to` cannot use the option). `free_over`: the items' subtotal from
-- which shipping is free, measured before or after discounts as `free_over_basis` says.
-- Deleting the region deletes its options; carts that chose one then see it as unavailable.
CREATE TABLE shipping_options (
    id              TEXT PRIMARY KEY,
    region_id       TEXT NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    price_type      TEXT NOT NULL CHECK (price_type IN ('flat', 'subtotal_tiers', 'weight_tiers')),
    amount          BIGINT CHECK (amount >= 0),
    tiers           TEXT NOT NULL,
    free_over       BIGINT CHECK (free_over >= 0),
    free_over_basis TEXT NOT NULL CHECK (free_over_basis IN ('before_discounts', 'after_discounts')),
    tax_class       TEXT NOT NULL REFERENCES tax_classes (code),
    enabled         BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    position        BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT shipping_options_name_unique UNIQUE (region_id, name)
);
CREATE INDEX shipping_options_class_idx ON shipping_options (tax_class);
