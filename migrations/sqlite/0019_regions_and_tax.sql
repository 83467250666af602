-- Regions and their tax (issue 21). A shipping address's country (and province) picks its
-- region; the region says whether its prices include tax, how tax is rounded, and its rates by
-- tax class. Money stays in the store's one currency for now; `currency` is kept per region
-- so that a region with its own currency needs no new column later.
CREATE TABLE tax_classes (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO tax_classes (code, name, created_at) VALUES
    ('standard', 'Standard', 0), ('reduced', 'Reduced', 0), ('zero', 'Zero-rated', 0), ('exempt', 'Exempt', 0);

CREATE TABLE regions (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    currency     TEXT NOT NULL,
    tax_mode     TEXT NOT NULL CHECK (tax_mode IN ('exclusive', 'inclusive')),
    tax_rounding TEXT NOT NULL CHECK (tax_rounding IN ('per_line', 'per_total')),
    rounding     TEXT NOT NULL CHECK (rounding IN ('half_up', 'half_even')),
    tax_provider TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT regions_name_unique UNIQUE (name)
);
CREATE INDEX regions_created_idx ON regions (created_at, id);

-- Where a region is: a whole country (province '') or one province of it. A country or
-- province belongs to one region at most; an address's own province is looked up first.
CREATE TABLE region_territories (
    country   TEXT NOT NULL,
    province  TEXT NOT NULL,
    region_id TEXT NOT NULL REFERENCES regions (id),
    PRIMARY KEY (country, province)
);
CREATE INDEX region_territories_region_idx ON region_territories (region_id);

-- A region's rates by tax class, for the whole region (province '') or one province of it.
CREATE TABLE tax_rates (
    id         TEXT PRIMARY KEY,
    region_id  TEXT NOT NULL REFERENCES regions (id),
    tax_class  TEXT NOT NULL REFERENCES tax_classes (code),
    province   TEXT NOT NULL,
    name       TEXT NOT NULL,
    rate_bps   BIGINT NOT NULL CHECK (rate_bps BETWEEN 0 AND 10000),
    position   BIGINT NOT NULL,
    CONSTRAINT tax_rates_unique UNIQUE (region_id, tax_class, province, name)
);
CREATE INDEX tax_rates_class_idx ON tax_rates (tax_class);
