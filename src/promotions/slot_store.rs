//! A promotion's count of redemptions, kept in slots (`promotion_slots`, this module's own).
//!
//! One counter row would be locked by every checkout that redeems the promotion from its update
//! to its commit, so a popular code's checkouts could go no faster than one commit after
//! another. The count is split over [`SLOTS`] rows instead, and a limit over their capacities,
//! which add up to it (none: no limit): a checkout takes room in a slot no other checkout has
//! locked (`SKIP LOCKED`), and waits only when every slot with room is locked. However the slots
//! are taken, no more than the limit can be counted.
//!
//! A slot holds more than its capacity only while none has room (a limit lowered below what has
//! been redeemed), and a release takes from the fullest slot first; so a checkout finds room
//! only while fewer than the limit are counted. Every promotion has its slots, limited or not, so
//! a limit set later counts what was redeemed before it, and waits (on the slots' locks) for the
//! checkouts taking from them.

use crate::db::{self, Bind, Exec, RowLock, insert_rows, sql};

/// Slots per limited promotion: about as many checkouts as can take one at once.
pub const SLOTS: i64 = 16;

/// Counts one redemption of the promotion: `false` when its limit is used up (or it is gone).
pub async fn take(mut db: impl Exec, promotion_id: &str) -> Result<bool, db::Error> {
    match lock_one(&mut db, promotion_id, Pick::Room).await? {
        Some(slot) => add(db, promotion_id, slot, 1).await.map(|()| true),
        None => Ok(false),
    }
}

/// Gives back one redemption of the promotion: from the fullest slot.
pub async fn give_back(mut db: impl Exec, promotion_id: &str) -> Result<(), db::Error> {
    match lock_one(&mut db, promotion_id, Pick::Fullest).await? {
        Some(slot) => add(db, promotion_id, slot, -1).await,
        None => Ok(()),
    }
}

/// Locks a slot as `how` says: one no other checkout holds if there is one; else waits for
/// one, and then finds whether it still qualifies.
async fn lock_one(mut db: impl Exec, promotion_id: &str, how: Pick) -> Result<Option<i64>, db::Error> {
    match pick(&mut db, promotion_id, how, Wait::SkipLocked).await? {
        Some(slot) => Ok(Some(slot)),
        None => pick(db, promotion_id, how, Wait::Wait).await,
    }
}

#[derive(Clone, Copy)]
enum Pick {
    /// A slot with room, the lowest first.
    Room,
    /// A slot with a redemption, the one most over its capacity first.
    Fullest,
}

#[derive(Clone, Copy)]
enum Wait {
    SkipLocked,
    Wait,
}

/// Locks one of the promotion's slots, as `pick` says, and names it.
async fn pick(db: impl Exec, promotion_id: &str, pick: Pick, wait: Wait) -> Result<Option<i64>, db::Error> {
    let mut q = match pick {
        Pick::Room => sql(
            "promotions.slot_with_room",
            "SELECT slot FROM promotion_slots WHERE promotion_id = $1 AND (capacity IS NULL OR redeemed < capacity)
             ORDER BY slot LIMIT 1",
        ),
        Pick::Fullest => sql(
            "promotions.fullest_slot",
            "SELECT slot FROM promotion_slots WHERE promotion_id = $1 AND redeemed > 0
             ORDER BY CASE WHEN capacity IS NULL THEN 0 ELSE redeemed - capacity END DESC, slot LIMIT 1",
        ),
    }
    .bind(promotion_id);
    match wait {
        Wait::SkipLocked => q.skip_locked(),
        Wait::Wait => q.locked(RowLock::Write),
    };
    Ok(q.fetch_optional::<(i64,)>(db).await?.map(|(slot,)| slot))
}

async fn add(db: impl Exec, promotion_id: &str, slot: i64, by: i64) -> Result<(), db::Error> {
    sql(
        "promotions.slot_add",
        "UPDATE promotion_slots SET redeemed = redeemed + $3 WHERE promotion_id = $1 AND slot = $2",
    )
    .bind(promotion_id)
    .bind(slot)
    .bind(by)
    .execute(db)
    .await
    .map(drop)
}

/// Those of `ids` that have room for another redemption.
pub async fn with_room(db: impl Exec, ids: &[&str]) -> Result<Vec<String>, db::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql(
        "promotions.with_room",
        "SELECT DISTINCT promotion_id FROM promotion_slots
         WHERE (capacity IS NULL OR redeemed < capacity) AND promotion_id IN (",
    );
    q.push_list(ids.iter().copied()).push(")");
    Ok(q.fetch_all::<(String,)>(db).await?.into_iter().map(|(id,)| id).collect())
}

/// Makes a new promotion's slots, with nothing redeemed.
pub async fn create(db: impl Exec, promotion_id: &str, limit: Option<i64>) -> Result<(), db::Error> {
    let rows: Vec<(i64, Option<i64>, i64)> =
        (0..).zip(layout(limit, 0)).map(|(slot, (c, r))| (slot, c, r)).collect();
    let head = "INSERT INTO promotion_slots (promotion_id, slot, capacity, redeemed) VALUES ";
    insert_rows(db, "promotions.insert_slots", head, &rows, |&(slot, capacity, redeemed)| -> [Bind; 4] {
        [promotion_id.into(), slot.into(), capacity.into(), redeemed.into()]
    })
    .await
}

/// The promotion's slots, each (slot, redeemed), locked until the transaction ends: after the
/// checkouts that have taken from them commit, and before any that come after.
pub async fn lock(db: impl Exec, promotion_id: &str) -> Result<Vec<(i64, i64)>, db::Error> {
    let mut q = sql(
        "promotions.lock_slots",
        "SELECT slot, redeemed FROM promotion_slots WHERE promotion_id = $1 ORDER BY slot",
    )
    .bind(promotion_id);
    q.locked(RowLock::Write);
    q.fetch_all(db).await
}

/// Lays the promotion's slots (`slots`, locked by [`lock`]) out again for `limit` (none: no
/// limit), with what they count; checkouts waiting on them then find the new room.
pub async fn set_limit(
    mut db: impl Exec,
    promotion_id: &str,
    slots: &[(i64, i64)],
    limit: Option<i64>,
) -> Result<(), db::Error> {
    let counted = slots.iter().map(|&(_, redeemed)| redeemed).sum();
    for (&(slot, _), (capacity, redeemed)) in slots.iter().zip(layout(limit, counted)) {
        sql(
            "promotions.slot_set",
            "UPDATE promotion_slots SET capacity = $3, redeemed = $4 WHERE promotion_id = $1 AND slot = $2",
        )
        .bind(promotion_id)
        .bind(slot)
        .bind(capacity)
        .bind(redeemed)
        .execute(&mut db)
        .await?;
    }
    Ok(())
}

/// Each slot's (capacity, redeemed) for `limit`, with `counted` redemptions taken: the
/// capacities add up to the limit (all none without one), the lowest slots fill first, and what
/// is over the limit sits in the last slot.
pub fn layout(limit: Option<i64>, counted: i64) -> Vec<(Option<i64>, i64)> {
    let mut left = counted.max(0);
    let mut slots: Vec<(Option<i64>, i64)> = (0..SLOTS)
        .map(|k| {
            let capacity = limit.map(|l| l.max(0) / SLOTS + i64::from(k < l.max(0) % SLOTS));
            let redeemed = capacity.map_or(left, |c| left.min(c));
            left -= redeemed;
            (capacity, redeemed)
        })
        .collect();
    if let Some(last) = slots.last_mut() {
        last.1 += left;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The capacities add up to the limit, the redemptions to what was counted, and a slot
        /// has room only if none is over its capacity.
        #[test]
        fn slots_add_up_to_the_limit(limit in 0i64..100_000, counted in 0i64..200_000) {
            let slots = layout(Some(limit), counted);
            prop_assert_eq!(slots.len() as i64, SLOTS);
            prop_assert_eq!(slots.iter().map(|s| s.0.unwrap_or(0)).sum::<i64>(), limit);
            prop_assert_eq!(slots.iter().map(|s| s.1).sum::<i64>(), counted);
            let room = slots.iter().any(|&(c, r)| c.is_some_and(|c| r < c));
            let over = slots.iter().any(|&(c, r)| c.is_some_and(|c| r > c));
            prop_assert!(!(room && over));
            prop_assert_eq!(room, counted < limit);
        }
    }

    #[test]
    fn a_small_limit_has_empty_slots() {
        let slots = layout(Some(3), 1);
        assert_eq!(&slots[..4], &[(Some(1), 1), (Some(1), 0), (Some(1), 0), (Some(0), 0)]);
    }

    #[test]
    fn without_a_limit_the_count_is_kept_whole() {
        let slots = layout(None, 7);
        assert_eq!(slots[0], (None, 7));
        assert!(slots[1..].iter().all(|&s| s == (None, 0)));
    }
}
