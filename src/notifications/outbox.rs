//! The outbox table, owned here: queueing a message in the transaction that causes it, claiming
//! due messages with a lease, and recording how delivery went.

use crate::{
    db::{self, Exec, FromRow, GuardedUpdate, sql},
    ids, time,
};

/// What happened, as the outbox names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// `{order_id}`: the confirmation email.
    OrderPaid,
    /// `{order_id, shipment_id}`: the "your order has shipped" email, one per shipment.
    OrderShipped,
    OrderFulfilled,
    OrderCancelled,
    /// `{customer_id, email, name}`: the welcome email.
    AccountCreated,
    /// `{email}`: a reset email if an account has that email, nothing otherwise.
    PasswordResetRequested,
    /// `{customer_id, invited_by}`: the invitation of a new member of staff, with a link to set
    /// their password.
    StaffInvited,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderPaid => "order.paid",
            Self::OrderShipped => "order.shipped",
            Self::OrderFulfilled => "order.fulfilled",
            Self::OrderCancelled => "order.cancelled",
            Self::AccountCreated => "account.created",
            Self::PasswordResetRequested => "password_reset.requested",
            Self::StaffInvited => "staff.invited",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::OrderPaid,
            Self::OrderShipped,
            Self::OrderFulfilled,
            Self::OrderCancelled,
            Self::AccountCreated,
            Self::PasswordResetRequested,
            Self::StaffInvited,
        ]
        .into_iter()
        .find(|t| t.as_str() == value)
    }
}

/// Queues `topic` with its JSON payload, in the caller's transaction.
pub async fn enqueue(db: impl Exec, topic: Topic, payload: &serde_json::Value) -> Result<(), db::Error> {
    let now = time::now_ms();
    sql(
        "outbox.enqueue",
        "INSERT INTO outbox (id, topic, payload, created_at, available_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(ids::new_id("evt"))
    .bind(topic.as_str())
    .bind(payload.to_string())
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: String,
    pub topic: String,
    pub payload: String,
    pub attempts: i64,
    pub lease_until: i64,
}

/// Claims a due message until `lease_until`: first one left `sending` by a worker whose lease
/// ran out (it died mid-delivery), else the oldest pending one that is due. Each probe reads
/// one entry of its own index, so a long backlog does not slow the claim. The pick skips rows
/// another worker holds locked (where the engine can: SQLite has one writer, so no other
/// worker is mid-claim), and the update repeats the conditions, so of two workers that pick
/// the same row only one claims it. Two statements in a transaction, not one: MySQL cannot
/// update a table by a subquery on that table, nor return the row it updated.
pub async fn claim(db: &db::Db, now: i64, lease_until: i64) -> Result<Option<Claimed>, db::Error> {
    let mut tx = db.begin().await?;
    let mut expired = sql(
        "outbox.pick_expired",
        "SELECT id FROM outbox WHERE status = 'sending' AND lease_until < $1 ORDER BY lease_until LIMIT 1",
    );
    expired.skip_locked();
    let mut id: Option<String> = expired.bind(now).scalar_optional(&mut tx).await?;
    if id.is_none() {
        let mut due = sql(
            "outbox.pick_due",
            "SELECT id FROM outbox WHERE status = 'pending' AND available_at <= $1 ORDER BY available_at, id LIMIT 1",
        );
        due.skip_locked();
        id = due.bind(now).scalar_optional(&mut tx).await?;
    }
    let Some(id) = id else {
        return Ok(None);
    };
    let claimed = GuardedUpdate {
        name: "outbox.claim",
        table: "outbox",
        set: "status = 'sending', lease_until = $3, attempts = attempts + 1",
        key: "id = $1",
        guard: "(status = 'sending' AND lease_until < $2) OR (status = 'pending' AND available_at <= $2)",
        returning: "id, topic, payload, attempts, lease_until",
    }
    .sql()
    .bind(id)
    .bind(now)
    .bind(lease_until)
    .fetch_optional(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Marks a message delivered, if the lease is still this worker's.
pub async fn delivered(db: impl Exec, id: &str, lease_until: i64, now: i64) -> Result<bool, db::Error> {
    let done = sql(
        "outbox.delivered",
        "UPDATE outbox SET status = 'delivered', delivered_at = $3, lease_until = NULL, last_error = NULL
         WHERE id = $1 AND status = 'sending' AND lease_until = $2",
    )
    .bind(id)
    .bind(lease_until)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// Puts a message back for another try at `retry_at`, or parks it as `dead`.
pub async fn failed(
    db: impl Exec,
    id: &str,
    lease_until: i64,
    error: &str,
    retry_at: Option<i64>,
) -> Result<(), db::Error> {
    let (status, available_at) = match retry_at {
        Some(at) => ("pending", at),
        None => ("dead", 0),
    };
    sql(
        "outbox.failed",
        "UPDATE outbox SET status = $3, available_at = CASE WHEN $3 = 'dead' THEN available_at ELSE $4 END,
           lease_until = NULL, last_error = $5
         WHERE id = $1 AND status = 'sending' AND lease_until = $2",
    )
    .bind(id)
    .bind(lease_until)
    .bind(status)
    .bind(available_at)
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}

/// Puts a `dead` message back to be sent now, with its attempts counted afresh (its last
/// error is kept until the next attempt). `false` when it is not dead.
pub async fn retry(db: impl Exec, id: &str, now: i64) -> Result<bool, db::Error> {
    let done = sql(
        "outbox.retry",
        "UPDATE outbox SET status = 'pending', attempts = 0, available_at = $2, lease_until = NULL
         WHERE id = $1 AND status = 'dead'",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// One message.
pub async fn find(db: impl Exec, id: &str) -> Result<Option<Row>, db::Error> {
    sql(
        "outbox.find",
        "SELECT id, topic, status, attempts, last_error, created_at, available_at, delivered_at FROM outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Row {
    pub id: String,
    pub topic: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub available_at: i64,
    pub delivered_at: Option<i64>,
}

/// Newest first, `limit + 1` rows.
pub async fn list(
    db: impl Exec,
    status: Option<&str>,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<Row>, db::Error> {
    let mut q = sql(
        "outbox.list",
        "SELECT id, topic, status, attempts, last_error, created_at, available_at, delivered_at FROM outbox WHERE 1 = 1",
    );
    q.newest_first_page(status, after, limit);
    q.fetch_all(db).await
}

/// (status, count) for every delivery status.
pub async fn counts(db: impl Exec) -> Result<Vec<(String, i64)>, db::Error> {
    crate::db::count_by_status(db, "outbox.counts", "outbox", &["pending", "sending", "delivered", "dead"])
        .await
}
