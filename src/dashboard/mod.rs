//! The admin dashboard's home numbers (issue 23): sales today and over the last 7 and 30 days,
//! a series of revenue and orders per day, stock running low, orders waiting to ship and
//! emails stuck in the outbox. Reads only: each number comes from the domain that owns it.
//!
//! A day is a calendar day at the caller's UTC offset (the dashboard sends the browser's), so
//! "today" is the operator's today. Revenue is what paid orders came to (totals with tax and
//! shipping, discounts taken off), by the day they were placed; a cancelled order is refunded
//! and leaves the numbers. The average order value is revenue over orders, rounded half up to
//! the minor unit.

pub mod routes;

use chrono::DateTime;

use crate::{
    db::Db,
    error::ApiError,
    inventory::{self, StockLevel},
    notifications,
    orders::{self, DAY_MS, DaySales},
    time,
};

/// Orders and revenue over some days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub orders: i64,
    pub revenue: i64,
}

impl Period {
    /// Revenue over orders, half up; 0 without orders.
    pub fn average_order_value(&self) -> i64 {
        if self.orders == 0 { 0 } else { (2 * self.revenue + self.orders) / (2 * self.orders) }
    }
}

pub struct Home {
    pub today: Period,
    pub last_7_days: Period,
    pub last_30_days: Period,
    /// One entry per day, oldest first, ending today; days without sales are zero.
    pub per_day: Vec<(String, Period)>,
    pub low_stock: Vec<StockLevel>,
    pub low_stock_threshold: i64,
    pub awaiting_shipment: i64,
    pub outbox_pending: i64,
    pub outbox_dead: i64,
}

/// What the dashboard's home asks for.
pub struct Ask {
    /// Days in the series, today included: 1 to 90.
    pub days: i64,
    /// Minutes ahead of UTC (−840 to 840).
    pub utc_offset_minutes: i64,
    /// Variants with at most this many available are low on stock.
    pub low_stock_threshold: i64,
}

/// The most low-stock variants the home lists.
const LOW_STOCK_SHOWN: i64 = 10;

pub async fn home(db: &Db, ask: &Ask) -> Result<Home, ApiError> {
    let offset_ms = ask.utc_offset_minutes * 60_000;
    let now = time::now_ms();
    let today_start = local_day_start(now, offset_ms);
    let span = ask.days.max(30);
    let since = today_start - (span - 1) * DAY_MS - offset_ms;
    let mut conn = db.acquire().await?;
    let sales = orders::sales_per_day(&mut conn, since, offset_ms).await?;
    let awaiting_shipment = orders::awaiting_shipment(&mut conn).await?;
    let outbox = notifications::outbox::counts(&mut conn).await?;
    let count = |status: &str| outbox.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
    let mut low_stock =
        inventory::list_levels(db, Some(ask.low_stock_threshold), None, LOW_STOCK_SHOWN).await?;
    low_stock.truncate(usize::try_from(LOW_STOCK_SHOWN).unwrap_or(0));
    Ok(Home {
        today: period(&sales, today_start, 1),
        last_7_days: period(&sales, today_start, 7),
        last_30_days: period(&sales, today_start, 30),
        per_day: series(&sales, today_start, ask.days),
        low_stock,
        low_stock_threshold: ask.low_stock_threshold,
        awaiting_shipment,
        outbox_pending: count("pending") + count("sending"),
        outbox_dead: count("dead"),
    })
}

/// The start of the local day `now` is in, as the sales' buckets name days (UTC ms shifted by
/// the offset, a multiple of a day).
fn local_day_start(now: i64, offset_ms: i64) -> i64 {
    let local = now + offset_ms;
    local - local.rem_euclid(DAY_MS)
}

/// The `days` days ending with the one starting `today_start`, summed.
fn period(sales: &[DaySales], today_start: i64, days: i64) -> Period {
    let first = today_start - (days - 1) * DAY_MS;
    sales.iter().filter(|d| (first..=today_start).contains(&d.day_start)).fold(Period::default(), |p, d| {
        Period { orders: p.orders + d.orders, revenue: p.revenue + d.revenue }
    })
}

/// Each of the `days` days ending today, oldest first, by its date (`2026-12-07`).
fn series(sales: &[DaySales], today_start: i64, days: i64) -> Vec<(String, Period)> {
    (0..days)
        .rev()
        .map(|back| {
            let day_start = today_start - back * DAY_MS;
            let date = DateTime::from_timestamp_millis(day_start)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            (date, period(sales, day_start, 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_7: i64 = 1_796_601_600_000; // 2026-12-07T00:00:00Z

    #[test]
    fn days_begin_at_the_callers_midnight() {
        assert_eq!(local_day_start(DEC_7 + 3_600_000, 0), DEC_7);
        // 23:30 UTC on the 7th is already the 8th an hour east of UTC.
        assert_eq!(local_day_start(DEC_7 + 23 * 3_600_000 + 1_800_000, 3_600_000), DEC_7 + DAY_MS);
        // 00:30 UTC on the 7th is still the 6th five hours west.
        assert_eq!(local_day_start(DEC_7 + 1_800_000, -5 * 3_600_000), DEC_7 - DAY_MS);
    }

    #[test]
    fn periods_and_the_series_add_up() {
        let sales = [
            DaySales { day_start: DEC_7 - 40 * DAY_MS, orders: 9, revenue: 9_000 },
            DaySales { day_start: DEC_7 - 10 * DAY_MS, orders: 2, revenue: 3_000 },
            DaySales { day_start: DEC_7 - 3 * DAY_MS, orders: 1, revenue: 500 },
            DaySales { day_start: DEC_7, orders: 3, revenue: 1_000 },
        ];
        assert_eq!(period(&sales, DEC_7, 1), Period { orders: 3, revenue: 1_000 });
        assert_eq!(period(&sales, DEC_7, 7), Period { orders: 4, revenue: 1_500 });
        assert_eq!(period(&sales, DEC_7, 30), Period { orders: 6, revenue: 4_500 });
        let days = series(&sales, DEC_7, 14);
        assert_eq!(days.len(), 14);
        assert_eq!(days[13].0, "2026-12-07");
        assert_eq!(days[0].0, "2026-11-24");
        let total: i64 = days.iter().map(|(_, p)| p.revenue).sum();
        assert_eq!(total, 4_500);
    }

    #[test]
    fn the_average_rounds_half_up() {
        assert_eq!(Period { orders: 3, revenue: 1_000 }.average_order_value(), 333);
        assert_eq!(Period { orders: 2, revenue: 1_001 }.average_order_value(), 501);
        assert_eq!(Period { orders: 0, revenue: 0 }.average_order_value(), 0);
    }
}
