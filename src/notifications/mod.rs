//! Notifications: side effects such as the order confirmation email. They are written to the
//! outbox inside the transaction that causes them, so a committed change always has its
//! message waiting, and a rolled-back one never does. Delivery comes with the email issue.

use sqlx::{Any, Executor};

use crate::{ids, time};

/// Queues `topic` (`order.paid`, …) with its JSON payload, in the caller's transaction.
pub async fn enqueue<'c>(
    db: impl Executor<'c, Database = Any>,
    topic: &str,
    payload: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let now = time::now_ms();
    sqlx::query(
        "INSERT INTO outbox (id, topic, payload, created_at, available_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(ids::new_id("evt"))
    .bind(topic)
    .bind(payload.to_string())
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

/// Messages not delivered yet.
pub async fn backlog<'c>(db: impl Executor<'c, Database = Any>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE delivered_at IS NULL")
        .fetch_one(db)
        .await
}
