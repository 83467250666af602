//! The `payments` table, owned here: opened with its order, settled with it, read beside it.

use std::collections::HashMap;

use super::model::{Payment, PaymentStatus};
use crate::db::{self, Exec, FromRow, count_by_status, sql};

/// A payment to open, `pending`, in the transaction that records its order.
pub struct NewPayment<'a> {
    pub id: &'a str,
    pub order_id: &'a str,
    pub provider: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub now: i64,
}

pub async fn open(db: impl Exec, p: &NewPayment<'_>) -> Result<(), db::Error> {
    sql(
        "payments.open",
        "INSERT INTO payments (id, order_id, provider, amount, currency, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(p.id)
    .bind(p.order_id)
    .bind(p.provider)
    .bind(p.amount)
    .bind(p.currency)
    .bind(PaymentStatus::Pending.as_str())
    .bind(p.now)
    .execute(db)
    .await
    .map(drop)
}

/// Records how the order's payment ended (or, `Pending` with a reference, the provider's id for
/// it). Guarded by the caller's order move: it runs only in the transaction that won it.
pub async fn settle(
    db: impl Exec,
    order_id: &str,
    status: PaymentStatus,
    reference: Option<&str>,
    failure_code: Option<&str>,
    now: i64,
) -> Result<(), db::Error> {
    sql("payments.settle", 
        "UPDATE payments SET status = $2, reference = COALESCE($3, reference), failure_code = $4, updated_at = $5
         WHERE order_id = $1",
    )
    .bind(order_id)
    .bind(status.as_str())
    .bind(reference)
    .bind(failure_code)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

#[derive(FromRow)]
struct PaymentRow {
    order_id: String,
    id: String,
    provider: String,
    reference: Option<String>,
    status: String,
    failure_code: Option<String>,
}

/// The payments of these orders, by order id: one query for a whole page of orders.
pub async fn for_orders(
    mut db: impl Exec,
    order_ids: &[&str],
) -> Result<HashMap<String, Payment>, db::Error> {
    if order_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = sql(
        "payments.for_orders",
        "SELECT order_id, id, provider, reference, status, failure_code FROM payments WHERE order_id IN (",
    );
    q.push_list(order_ids.iter().copied()).push(")");
    let rows = q.fetch_all::<PaymentRow>(&mut db).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let payment = Payment {
                id: r.id,
                provider: r.provider,
                reference: r.reference,
                status: PaymentStatus::from_db(&r.status),
                failure_code: r.failure_code,
            };
            (r.order_id, payment)
        })
        .collect())
}

/// (status, count) for every status, zero included (for `/metrics`).
pub async fn counts(db: impl Exec) -> Result<Vec<(String, i64)>, db::Error> {
    let statuses = PaymentStatus::ALL.map(PaymentStatus::as_str);
    count_by_status(db, "payments.counts", "payments", &statuses).await
}
