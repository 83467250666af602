-- Shipping (issue 21). Variants say how they are taxed and shipped; each region has its
-- shipping options. `requires_shipping` is 0 or 1 (no engine-specific booleans), `weight` is in
-- grams (0 when not given).
--
-- The tax class of a variant is a foreign key here; SQLite, which cannot add one to a table
-- with rows, relies on the catalog rules (there is no way to delete a tax class).
ALTER TABLE variants
    ADD COLUMN tax_class VARCHAR(40) NOT NULL DEFAULT 'standard',
    ADD COLUMN weight BIGINT NOT NULL DEFAULT 0 CHECK (weight >= 0),
    ADD COLUMN requires_shipping BIGINT NOT NULL DEFAULT 1 CHECK (requires_shipping IN (0, 1)),
    ADD INDEX variants_tax_class_idx (tax_class),
    ADD CONSTRAINT variants_tax_class_fk FOREIGN KEY (tax_class) REFERENCES tax_classes (code);

-- A way to ship an order to a region, and what it costs: a flat `amount`, or `tiers` by the
-- items' subtotal or weight (JSON: `[{"up_to": n or null, "amount": n}]`, ascending; a cart
-- above the last tier's `up_to` cannot use the option). `free_over`: the items' subtotal from
-- which shipping is free, measured before or after discounts as `free_over_basis` says.
-- Deleting the region deletes its options; carts that chose one then see it as unavailable.
CREATE TABLE shipping_options (
    id              VARCHAR(64) NOT NULL PRIMARY KEY,
    region_id       VARCHAR(64) NOT NULL,
    name            VARCHAR(100) NOT NULL,
    price_type      VARCHAR(16) NOT NULL CHECK (price_type IN ('flat', 'subtotal_tiers', 'weight_tiers')),
    amount          BIGINT CHECK (amount >= 0),
    tiers           TEXT NOT NULL,
    free_over       BIGINT CHECK (free_over >= 0),
    free_over_basis VARCHAR(16) NOT NULL CHECK (free_over_basis IN ('before_discounts', 'after_discounts')),
    tax_class       VARCHAR(40) NOT NULL,
    enabled         BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    position        BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT shipping_options_name_unique UNIQUE (region_id, name),
    CONSTRAINT shipping_options_region_fk FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE CASCADE,
    CONSTRAINT shipping_options_class_fk FOREIGN KEY (tax_class) REFERENCES tax_classes (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE INDEX shipping_options_class_idx ON shipping_options (tax_class);
