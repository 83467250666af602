//! Notifications: side effects such as the order confirmation email. They are written to the
//! outbox inside the transaction that causes them, so a committed change always has its
//! message waiting and a rolled-back one never does; the worker (`worker.rs`) delivers them.

mod mailer;
mod messages;
pub(crate) mod outbox;
pub mod routes;
mod worker;

use sqlx::{Any, Executor};

pub use mailer::Mailer;
pub use worker::Worker;

use crate::{ids, time};

/// What happened, as the outbox names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// `{order_id}`: the confirmation email.
    OrderPaid,
    OrderFulfilled,
    OrderCancelled,
    /// `{customer_id, email, name}`: the welcome email.
    AccountCreated,
    /// `{email}`: a reset email if an account has that email, nothing otherwise.
    PasswordResetRequested,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderPaid => "order.paid",
            Self::OrderFulfilled => "order.fulfilled",
            Self::OrderCancelled => "order.cancelled",
            Self::AccountCreated => "account.created",
            Self::PasswordResetRequested => "password_reset.requested",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::OrderPaid,
            Self::OrderFulfilled,
            Self::OrderCancelled,
            Self::AccountCreated,
            Self::PasswordResetRequested,
        ]
        .into_iter()
        .find(|t| t.as_str() == value)
    }
}

/// Queues `topic` with its JSON payload, in the caller's transaction.
pub async fn enqueue<'c>(
    db: impl Executor<'c, Database = Any>,
    topic: Topic,
    payload: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    let now = time::now_ms();
    sqlx::query(
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
