-- Promotions (issue 22), part 2: carts carry codes, checkouts hold redemptions, payments use
-- them.
--
-- A cart's codes as the shopper entered them (normalised), a JSON array; NULL: none.
ALTER TABLE carts ADD COLUMN promotion_codes TEXT;

-- What an order's promotions took off, a JSON array (each: promotion id, name, code, class,
-- amount, what it took off each line and the shipping); NULL: none.
ALTER TABLE orders ADD COLUMN discounts TEXT;

-- One row per promotion an order used: `held` from checkout until the payment settles, then
-- `used`, or `released` when the payment failed or the hold expired. The counters in
-- `promotions`, `promotion_codes` and `promotion_customer_uses` move with it, in the same
-- transaction, by guarded updates: a limit is never exceeded.
CREATE TABLE promotion_redemptions (
    id           TEXT PRIMARY KEY,
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    code         TEXT,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    customer_key TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('held', 'used', 'released')),
    amount       BIGINT NOT NULL CHECK (amount >= 0),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CONSTRAINT promotion_redemptions_order_unique UNIQUE (order_id, promotion_id)
);
CREATE INDEX promotion_redemptions_promotion_idx ON promotion_redemptions (promotion_id, created_at);

-- Redemptions per customer (`customer:<id>`, or `email:<normalised email>` for a guest), for a
-- per-customer limit.
CREATE TABLE promotion_customer_uses (
    promotion_id TEXT NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    customer_key TEXT NOT NULL,
    used         BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0),
    held         BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    PRIMARY KEY (promotion_id, customer_key)
);
