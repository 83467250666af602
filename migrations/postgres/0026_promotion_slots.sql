-- Promotions (issue 22), part 3: a promotion's count kept in slots.
--
-- One counter row would be locked by every checkout redeeming a popular code from its update to
-- its commit. The count is split over 16 slots instead, and a limit over their capacities, which
-- add up to it (NULL: no limit): a checkout takes room in a slot no other checkout has locked,
-- holds it until the payment settles, and a failed payment or an expired hold gives it back
-- (the fullest slot first); a payment that succeeds leaves the slot alone. A slot holds more
-- than its capacity only while none has room (a limit lowered below what was redeemed). How
-- many redemptions are used and how many held is counted from `promotion_redemptions`.
CREATE TABLE promotion_slots (
    promotion_id TEXT NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
    slot         BIGINT NOT NULL,
    capacity     BIGINT CHECK (capacity >= 0),
    redeemed     BIGINT NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
    PRIMARY KEY (promotion_id, slot)
);

-- The promotions there are, as `promotions::slot_store::layout` lays them out: the lowest slots
-- filled first, anything over the limit in the last; without a limit, the count in the first.
INSERT INTO promotion_slots (promotion_id, slot, capacity, redeemed)
SELECT p.id, n.k AS slot,
       CASE WHEN p.usage_limit IS NULL THEN NULL ELSE p.usage_limit / 16 + CASE WHEN n.k < p.usage_limit % 16 THEN 1 ELSE 0 END END AS capacity,
       CASE WHEN p.usage_limit IS NULL THEN CASE WHEN n.k = 0 THEN p.used + p.held ELSE 0 END
       ELSE LEAST(CASE WHEN p.usage_limit IS NULL THEN NULL ELSE p.usage_limit / 16 + CASE WHEN n.k < p.usage_limit % 16 THEN 1 ELSE 0 END END, GREATEST(0, p.used + p.held - (n.k * (p.usage_limit / 16) + LEAST(n.k, p.usage_limit % 16))))
         + CASE WHEN n.k = 15 THEN GREATEST(0, p.used + p.held - p.usage_limit) ELSE 0 END
       END AS redeemed
FROM promotions p CROSS JOIN (
    SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
    UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
    UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14
    UNION ALL SELECT 15
) n;

ALTER TABLE promotions DROP COLUMN used;
ALTER TABLE promotions DROP COLUMN held;

-- A promotion's redemptions by status, for its usage.
CREATE INDEX promotion_redemptions_status_idx ON promotion_redemptions (promotion_id, status);

-- Every checkout that redeems a promotion inserts a redemption (and a customer's row, the first
-- time): their foreign keys to `promotions` would share-lock its row each time, and concurrent
-- share locks of one row are costly here (each one rewrites the row's lock holders). The
-- promotions module owns all three tables and deletes nothing that was redeemed.
ALTER TABLE promotion_redemptions DROP CONSTRAINT promotion_redemptions_promotion_id_fkey;
ALTER TABLE promotion_customer_uses DROP CONSTRAINT promotion_customer_uses_promotion_id_fkey;

-- Whether the customer's row (`promotion_customer_uses`) counts a redemption: only for a
-- promotion with a limit per customer (one set later counts the redemptions before it).
ALTER TABLE promotion_redemptions ADD COLUMN per_customer BIGINT NOT NULL DEFAULT 1 CHECK (per_customer IN (0, 1));
