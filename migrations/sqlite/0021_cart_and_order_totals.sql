-- Carts and orders that add up (issue 21). A cart keeps the shipping address it was given
-- (JSON; the country at least) and the shipping option the shopper chose, which is not a
-- foreign key: an option can be deleted, and the cart then shows it as unavailable. An order
-- keeps everything that priced it, so a later change of rates or options never alters it.
ALTER TABLE carts ADD COLUMN shipping_address TEXT;
ALTER TABLE carts ADD COLUMN shipping_option_id TEXT;

-- `region` and `shipping` are JSON snapshots (the region's name and tax settings; the option's
-- name, class, amount and tax lines); NULL for orders placed before regions, and for orders of
-- a store without regions. Orders placed earlier had neither shipping nor tax: zero is true.
ALTER TABLE orders ADD COLUMN shipping_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN discount_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_included BIGINT NOT NULL DEFAULT 0 CHECK (tax_included IN (0, 1));
ALTER TABLE orders ADD COLUMN tax_provider TEXT;
ALTER TABLE orders ADD COLUMN region TEXT;
ALTER TABLE orders ADD COLUMN shipping TEXT;

-- Each line's tax as it was computed: its class, its tax lines (JSON: name, rate_bps, amount),
-- their sum, and what the shopper paid for the line.
ALTER TABLE order_items ADD COLUMN tax_class TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE order_items ADD COLUMN discount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_items ADD COLUMN tax BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_items ADD COLUMN tax_lines TEXT NOT NULL DEFAULT '[]';
ALTER TABLE order_items ADD COLUMN total BIGINT NOT NULL DEFAULT 0;
UPDATE order_items SET total = line_total;
