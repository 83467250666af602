//! Redemption SQL: `promotion_redemptions` and `promotion_customer_uses` are this module's own,
//! and the counters of `promotion_codes` (`used`, `held`); a promotion's own count is in its
//! slots (`slot_store`). Every counter that a limit guards is raised by a guarded update, in the
//! transaction that claims the cart and reserves its stock, so two checkouts can never both take
//! the last redemption.

use std::collections::HashMap;

use super::model::Usage;
use super::slot_store;
use super::store::CodeRow;
use crate::db::{self, Bind, Exec, FromRow, Upsert, insert_rows, sql};

/// The codes among `codes` that exist, with their usage.
pub async fn codes(db: impl Exec, codes: &[String]) -> Result<Vec<CodeRow>, db::Error> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql(
        "promotions.codes_by_code",
        "SELECT code, promotion_id, usage_limit, used, held, created_at FROM promotion_codes WHERE code IN (",
    );
    q.push_list(codes.iter().map(String::as_str)).push(")");
    q.fetch_all(db).await
}

/// The usage of each of `ids` by the customer `key`.
pub async fn customer_usage(
    db: impl Exec,
    key: &str,
    ids: &[&str],
) -> Result<HashMap<String, Usage>, db::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = sql(
        "promotions.customer_usage",
        "SELECT promotion_id, used, held FROM promotion_customer_uses WHERE customer_key = ",
    );
    q.push_bind(key).push(" AND promotion_id IN (").push_list(ids.iter().copied()).push(")");
    let rows: Vec<(String, i64, i64)> = q.fetch_all(db).await?;
    Ok(rows.into_iter().map(|(id, used, held)| (id, Usage { used, held })).collect())
}

/// Holds one redemption of the code: `false` when its own limit is used up.
pub async fn hold_code(db: impl Exec, code: &str) -> Result<bool, db::Error> {
    let done = sql(
        "promotions.hold_code",
        "UPDATE promotion_codes SET held = held + 1
         WHERE code = $1 AND (usage_limit IS NULL OR used + held < usage_limit)",
    )
    .bind(code)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// Holds one redemption for the customer `key`: `false` when they have had `limit` already.
pub async fn hold_for_customer(
    mut db: impl Exec,
    promotion_id: &str,
    key: &str,
    limit: i64,
) -> Result<bool, db::Error> {
    Upsert {
        name: "promotions.customer_uses_row",
        table: "promotion_customer_uses",
        columns: "promotion_id, customer_key, used, held",
        values: "$1, $2, 0, 0",
        key: "promotion_id, customer_key",
        update: None,
        returning: None,
    }
    .sql()
    .bind(promotion_id)
    .bind(key)
    .execute(&mut db)
    .await?;
    let done = sql(
        "promotions.hold_for_customer",
        "UPDATE promotion_customer_uses SET held = held + 1
         WHERE promotion_id = $1 AND customer_key = $2 AND used + held < $3",
    )
    .bind(promotion_id)
    .bind(key)
    .bind(limit)
    .execute(db)
    .await?;
    Ok(done == 1)
}

pub struct NewRedemption<'a> {
    pub id: &'a str,
    pub promotion_id: &'a str,
    pub code: Option<&'a str>,
    pub order_id: &'a str,
    pub customer_key: &'a str,
    /// Whether the customer's row counts it (the promotion has a limit per customer).
    pub per_customer: bool,
    pub amount: i64,
    pub now: i64,
}

pub async fn insert(db: impl Exec, r: &NewRedemption<'_>) -> Result<(), db::Error> {
    sql(
        "promotions.insert_redemption",
        "INSERT INTO promotion_redemptions
           (id, promotion_id, code, order_id, customer_key, per_customer, status, amount, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'held', $7, $8, $8)",
    )
    .bind(r.id)
    .bind(r.promotion_id)
    .bind(r.code)
    .bind(r.order_id)
    .bind(r.customer_key)
    .bind(i64::from(r.per_customer))
    .bind(r.amount)
    .bind(r.now)
    .execute(db)
    .await
    .map(drop)
}

/// An order's redemption still held, and the limit of its code, if it has one of its own.
#[derive(FromRow)]
pub struct Held {
    pub promotion_id: String,
    pub code: Option<String>,
    pub customer_key: String,
    pub code_limit: Option<i64>,
    /// 1 when the customer's row counts it.
    pub per_customer: i64,
}

pub async fn held_by_order(db: impl Exec, order_id: &str) -> Result<Vec<Held>, db::Error> {
    sql(
        "promotions.held_by_order",
        "SELECT r.promotion_id, r.code, r.customer_key, c.usage_limit AS code_limit, r.per_customer
         FROM promotion_redemptions r LEFT JOIN promotion_codes c ON c.code = r.code
         WHERE r.order_id = $1 AND r.status = 'held' ORDER BY r.promotion_id",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// Turns every redemption `order_id` holds into a used one, counters untouched: for an order
/// whose redemptions only their promotions' slots count (counted when held).
pub async fn use_held(db: impl Exec, order_id: &str, now: i64) -> Result<(), db::Error> {
    sql(
        "promotions.use_held",
        "UPDATE promotion_redemptions SET status = 'used', updated_at = $2 WHERE order_id = $1 AND status = 'held'",
    )
    .bind(order_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

/// Turns the held redemption `h` of `order_id` into a used one (`used`), or gives it back.
/// Each counter moves by one, guarded by `held > 0`: a redemption is settled once.
pub async fn settle(
    mut db: impl Exec,
    order_id: &str,
    h: &Held,
    used: bool,
    now: i64,
) -> Result<(), db::Error> {
    let status = if used { "used" } else { "released" };
    let moved = sql(
        "promotions.settle_redemption",
        "UPDATE promotion_redemptions SET status = $3, updated_at = $4
         WHERE order_id = $1 AND promotion_id = $2 AND status = 'held'",
    )
    .bind(order_id)
    .bind(h.promotion_id.as_str())
    .bind(status)
    .bind(now)
    .execute(&mut db)
    .await?;
    if moved != 1 {
        return Ok(());
    }
    // In the order `hold` locks them: the customer's row, the code's, the promotion's slot last
    // (a payment that uses the redemption leaves the slot alone: it was counted when held).
    let used = i64::from(used);
    if h.per_customer == 1 {
        sql(
            "promotions.settle_customer",
            "UPDATE promotion_customer_uses SET held = held - 1, used = used + $3
             WHERE promotion_id = $1 AND customer_key = $2 AND held > 0",
        )
        .bind(h.promotion_id.as_str())
        .bind(h.customer_key.as_str())
        .bind(used)
        .execute(&mut db)
        .await?;
    }
    if let Some(code) = h.code.as_deref().filter(|_| h.code_limit.is_some()) {
        sql(
            "promotions.settle_code",
            "UPDATE promotion_codes SET held = held - 1, used = used + $2 WHERE code = $1 AND held > 0",
        )
        .bind(code)
        .bind(used)
        .execute(&mut db)
        .await?;
    }
    if used == 0 {
        slot_store::give_back(db, &h.promotion_id).await?;
    }
    Ok(())
}

/// Counts the promotion's redemptions (not released) in its customers' rows again, for a limit
/// per customer just set: the caller has locked the promotion's slots, so every checkout that
/// held one has committed, and those after count their customer.
pub async fn count_customers(mut db: impl Exec, promotion_id: &str) -> Result<(), db::Error> {
    sql("promotions.forget_customer_uses", "DELETE FROM promotion_customer_uses WHERE promotion_id = $1")
        .bind(promotion_id)
        .execute(&mut db)
        .await?;
    let counts: Vec<(String, i64, i64)> = sql(
        "promotions.uses_by_customer",
        "SELECT customer_key, COUNT(CASE WHEN status = 'used' THEN 1 END), COUNT(CASE WHEN status = 'held' THEN 1 END)
         FROM promotion_redemptions WHERE promotion_id = $1 AND status <> 'released' GROUP BY customer_key",
    )
    .bind(promotion_id)
    .fetch_all(&mut db)
    .await?;
    let head = "INSERT INTO promotion_customer_uses (promotion_id, customer_key, used, held) VALUES ";
    insert_rows(
        &mut db,
        "promotions.insert_customer_uses",
        head,
        &counts,
        |(key, used, held)| -> [Bind; 4] {
            [promotion_id.into(), key.as_str().into(), (*used).into(), (*held).into()]
        },
    )
    .await?;
    sql(
        "promotions.count_per_customer",
        "UPDATE promotion_redemptions SET per_customer = 1 WHERE promotion_id = $1 AND status <> 'released'",
    )
    .bind(promotion_id)
    .execute(db)
    .await
    .map(drop)
}

/// Whether the promotion has any redemption, held, used or released.
pub async fn any_for(db: impl Exec, promotion_id: &str) -> Result<bool, db::Error> {
    sql("promotions.any_redemption", "SELECT id FROM promotion_redemptions WHERE promotion_id = $1 LIMIT 1")
        .bind(promotion_id)
        .exists(db)
        .await
}

/// One of a promotion's redemptions, as the admin lists them.
#[derive(FromRow)]
pub struct RedemptionRow {
    pub id: String,
    pub order_id: String,
    pub code: Option<String>,
    pub customer_key: String,
    pub status: String,
    pub amount: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The promotion's redemptions, newest first, after `after` (`created_at`, `id`), with `status`
/// if given; `limit + 1` rows.
pub async fn list(
    db: impl Exec,
    promotion_id: &str,
    status: Option<&str>,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<RedemptionRow>, db::Error> {
    let mut q = sql(
        "promotions.redemptions",
        "SELECT id, order_id, code, customer_key, status, amount, created_at, updated_at
         FROM promotion_redemptions WHERE promotion_id = ",
    );
    q.push_bind(promotion_id).newest_first_page(status, after, limit);
    q.fetch_all(db).await
}
