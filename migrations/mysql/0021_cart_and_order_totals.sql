-- Carts and orders that add up (issue 21). A cart keeps the shipping address it was given
-- (JSON; the country at least) and the shipping option the shopper chose, which is not a
-- foreign key: an option can be deleted, and the cart then shows it as unavailable. An order
-- keeps everything that priced it, so a later change of rates or options never alters it.
ALTER TABLE carts
    ADD COLUMN shipping_address TEXT,
    ADD COLUMN shipping_option_id VARCHAR(64);

-- `region` and `shipping` are JSON snapshots (the region's name and tax settings; the option's
-- name, class, amount and tax lines); NULL for orders placed before regions, and for orders of
-- a store without regions. Orders placed earlier had neither shipping nor tax: zero is true.
ALTER TABLE orders
    ADD COLUMN shipping_total BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tax_total BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN discount_total BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tax_included BIGINT NOT NULL DEFAULT 0 CHECK (tax_included IN (0, 1)),
    ADD COLUMN tax_provider VARCHAR(40),
    ADD COLUMN region TEXT,
    ADD COLUMN shipping TEXT;

-- Each line's tax as it was computed: its class, its tax lines (JSON: name, rate_bps, amount),
-- their sum, and what the shopper paid for the line.
ALTER TABLE order_items
    ADD COLUMN tax_class VARCHAR(40) NOT NULL DEFAULT 'standard',
    ADD COLUMN discount BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tax BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tax_lines TEXT NOT NULL,
    ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
UPDATE order_items SET tax_lines = '[]', total = line_total;
