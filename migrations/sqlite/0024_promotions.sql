-- Promotions (issue 22), part 1: what a merchant sets up. Redemptions (held by checkout, used
-- when paid) come with the cart and checkout.
--
-- `class`: what it discounts; `benefit`: how (`percent_bps` for percentage and buy-x-get-y,
-- `amount` for fixed, `buy_quantity`/`get_quantity` for buy-x-get-y). `combines_*` are 0 or 1.
-- `used` and `held` count redemptions; a limit below them only stops new ones, so it is not a
-- CHECK here but the guard of the update that holds one.
CREATE TABLE promotions (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    class              TEXT NOT NULL CHECK (class IN ('product', 'order', 'shipping')),
    benefit            TEXT NOT NULL CHECK (benefit IN ('percentage', 'fixed', 'free_shipping', 'buy_x_get_y')),
    percent_bps        BIGINT CHECK (percent_bps BETWEEN 0 AND 10000),
    amount             BIGINT CHECK (amount >= 0),
    buy_quantity       BIGINT CHECK (buy_quantity > 0),
    get_quantity       BIGINT CHECK (get_quantity > 0),
    trigger_kind       TEXT NOT NULL CHECK (trigger_kind IN ('code', 'automatic')),
    min_subtotal       BIGINT CHECK (min_subtotal >= 0),
    min_quantity       BIGINT CHECK (min_quantity >= 0),
    customers          TEXT NOT NULL CHECK (customers IN ('anyone', 'signed_in', 'new')),
    starts_at          BIGINT,
    ends_at            BIGINT,
    enabled            BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    combines_product   BIGINT NOT NULL CHECK (combines_product IN (0, 1)),
    combines_order     BIGINT NOT NULL CHECK (combines_order IN (0, 1)),
    combines_shipping  BIGINT NOT NULL CHECK (combines_shipping IN (0, 1)),
    usage_limit        BIGINT CHECK (usage_limit >= 0),
    per_customer_limit BIGINT CHECK (per_customer_limit >= 0),
    used               BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0),
    held               BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX promotions_created_idx ON promotions (created_at, id);
CREATE INDEX promotions_automatic_idx ON promotions (trigger_kind, enabled);

-- The products and categories (with their subtrees) a promotion is for.
CREATE TABLE promotion_targets (
    promotion_id TEXT NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('product', 'category')),
    target_id    TEXT NOT NULL,
    PRIMARY KEY (promotion_id, kind, target_id)
);

-- A promotion's codes, stored as shoppers type them once normalised (trimmed, upper case):
-- one shared code (no limit of its own) or a batch of single-use ones (`usage_limit` 1).
CREATE TABLE promotion_codes (
    code         TEXT PRIMARY KEY,
    promotion_id TEXT NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    usage_limit  BIGINT CHECK (usage_limit >= 0),
    used         BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0),
    held         BIGINT NOT NULL DEFAULT 0 CHECK (held >= 0),
    created_at   BIGINT NOT NULL
);
CREATE INDEX promotion_codes_promotion_idx ON promotion_codes (promotion_id, code);
