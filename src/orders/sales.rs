//! What the shop sold, for the dashboard: paid orders counted by the day they were placed.
//! An order counts once it is paid and while it stays so (`paid`, `partially_fulfilled`,
//! `fulfilled`); a cancelled (refunded), failed or unpaid one does not.

use crate::db::{self, Exec, sql};

/// One day's sales: the day's first millisecond (UTC ms, shifted by the caller's offset, so a
/// multiple of a day), how many paid orders were placed, and what they came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySales {
    pub day_start: i64,
    pub orders: i64,
    pub revenue: i64,
}

pub const DAY_MS: i64 = 86_400_000;

/// Sales per day for orders placed at or after `since` (ms), with days beginning at midnight
/// `offset_ms` ahead of UTC; days without sales are left out, the others oldest first.
pub async fn per_day(db: impl Exec, since: i64, offset_ms: i64) -> Result<Vec<DaySales>, db::Error> {
    let rows: Vec<(i64, i64, i64)> = sql(
        "orders.sales_per_day",
        "SELECT (created_at + $1) - ((created_at + $1) % 86400000) AS bucket,
                CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(total), 0) AS BIGINT)
         FROM orders
         WHERE created_at >= $2 AND status IN ('paid', 'partially_fulfilled', 'fulfilled')
         GROUP BY (created_at + $1) - ((created_at + $1) % 86400000)
         ORDER BY bucket",
    )
    .bind(offset_ms)
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(day_start, orders, revenue)| DaySales { day_start, orders, revenue }).collect())
}

/// How many orders are paid and wait to ship, in whole or in part.
pub async fn awaiting_shipment(db: impl Exec) -> Result<i64, db::Error> {
    sql(
        "orders.awaiting_shipment",
        "SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE status IN ('paid', 'partially_fulfilled')",
    )
    .scalar_one(db)
    .await
}
