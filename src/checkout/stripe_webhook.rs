//! Inbound settling: what a (verified) Stripe event does to the store, beside checkout's own
//! settling (`settle.rs`), which it shares. Each event is handled once: its id is
//! recorded, and a repeat is answered without doing anything. Settling an order is guarded
//! by its status, so the webhook and the checkout request racing for one order settle it once,
//! and events arriving out of order (a failure after a success) change nothing.

use serde::Deserialize;

use super::settle::{mark_failed, mark_paid};
use crate::{
    db::{self, Db, Upsert, sql},
    error::ApiError,
    orders,
    payments::Payments,
    time,
};

#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    created: i64,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    Handled,
    Duplicate,
    Ignored,
}

pub async fn handle_event(db: &Db, payments: &Payments, body: &[u8]) -> Result<WebhookOutcome, ApiError> {
    let event: Event = serde_json::from_slice(body)
        .map_err(|e| ApiError::malformed_json(format!("not a Stripe event: {e}")))?;
    if seen(db, &event.id).await? {
        return Ok(WebhookOutcome::Duplicate);
    }
    let object = &event.data.object;
    let order_id = object["metadata"]["order_id"].as_str().unwrap_or_default();
    let outcome = match event.kind.as_str() {
        "payment_intent.succeeded" | "payment_intent.payment_failed" | "payment_intent.canceled"
            if stripe_order(db, order_id).await? =>
        {
            let intent = object["id"].as_str().unwrap_or_default();
            if event.kind == "payment_intent.succeeded" {
                mark_paid(db, order_id, intent, None).await?;
                refund_if_orphaned(db, payments, order_id, intent).await?;
            } else {
                let error = &object["last_payment_error"];
                let code =
                    error["decline_code"].as_str().or(error["code"].as_str()).unwrap_or("payment_failed");
                mark_failed(db, order_id, code).await?;
            }
            WebhookOutcome::Handled
        }
        // Refunds start from Oxcart (an admin's cancel), so the order already says so.
        "charge.refunded" => WebhookOutcome::Handled,
        _ => WebhookOutcome::Ignored,
    };
    record(db, &event).await?;
    Ok(outcome)
}

/// A success for an order already given up on (its stock released, its cart reopened) would be
/// money without an order: it is refunded at once instead.
async fn refund_if_orphaned(
    db: &Db,
    payments: &Payments,
    order_id: &str,
    intent: &str,
) -> Result<(), ApiError> {
    let order = orders::get_order(db, order_id, orders::Reader::ADMIN).await?;
    if order.status != orders::OrderStatus::Failed {
        return Ok(());
    }
    tracing::warn!(order_id, intent, "payment succeeded after its order was released; refunding it");
    let stripe = payments
        .get("stripe")
        .ok_or_else(|| ApiError::internal("stripe event without the stripe provider"))?;
    stripe
        .refund(intent, &format!("oxcart-orphan-{intent}"))
        .await
        .map_err(|e| ApiError::internal(format_args!("refunding an orphaned payment: {e}")))
}

/// True when `order_id` names an order paid through Stripe (never act on anyone else's).
async fn stripe_order(db: &Db, order_id: &str) -> Result<bool, ApiError> {
    if order_id.is_empty() {
        return Ok(false);
    }
    match orders::get_order(db, order_id, orders::Reader::ADMIN).await {
        Ok(order) => Ok(order.payment.is_some_and(|p| p.provider == "stripe")),
        Err(e) if e.code() == "not_found" => Ok(false),
        Err(e) => Err(e),
    }
}

async fn seen(db: &Db, id: &str) -> Result<bool, db::Error> {
    sql("stripe_events.seen", "SELECT id FROM stripe_events WHERE id = $1").bind(id).exists(db).await
}

async fn record(db: &Db, event: &Event) -> Result<(), db::Error> {
    Upsert {
        name: "stripe_events.record",
        table: "stripe_events",
        columns: "id, type, created, received_at",
        values: "$1, $2, $3, $4",
        key: "id",
        update: None,
        returning: None,
    }
    .sql()
    .bind(&event.id)
    .bind(&event.kind)
    .bind(event.created)
    .bind(time::now_ms())
    .execute(db)
    .await
    .map(drop)
}
