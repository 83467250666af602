//! Cancelling a paid order (admins); fulfilment is `shipments.rs`.

use super::{Order, OrderStatus, Reader, store};
use crate::{
    db::{Db, retry_transient},
    error::ApiError,
    inventory::{self, StockMove},
    notifications,
    payments::{self, PaymentStatus, Payments},
    time,
};

pub(super) fn invalid_state(order: &Order, action: &str) -> ApiError {
    ApiError::conflict(
        "invalid_state",
        format!("This order cannot be {action}: it is {}.", order.status.as_str()),
    )
    .with_extension("order_status", order.status.as_str())
}

/// `paid → cancelled`: refunds the payment in full, then returns the units to stock.
///
/// The refund comes first and carries a key derived from the order, so a retry after a
/// failure refunds once; the status move is the guard against two cancellations racing.
pub async fn cancel(db: &Db, payments: &Payments, id: &str) -> Result<Order, ApiError> {
    let order = super::get_order(db, id, Reader::ADMIN).await?;
    if order.status != OrderStatus::Paid {
        return Err(invalid_state(&order, "cancelled"));
    }
    let payment = order
        .payment
        .as_ref()
        .ok_or_else(|| ApiError::internal(format_args!("paid order {id} has no payment")))?;
    let provider = payments.get(&payment.provider).ok_or_else(|| {
        ApiError::internal(format_args!("order {id}: provider {} is gone", payment.provider))
    })?;
    let reference = payment.reference.as_deref().unwrap_or_default();
    provider.refund(reference, &format!("refund-{id}")).await.map_err(|e| {
        tracing::warn!(order_id = id, error = %e, "refund failed");
        ApiError::payment_provider_error(
            "The payment provider could not refund the payment; the order is unchanged. Try again.",
        )
    })?;
    let order = &order;
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        if store::transition(&mut tx, id, OrderStatus::Paid, OrderStatus::Cancelled, now).await?.is_none() {
            return Err(invalid_state(order, "cancelled"));
        }
        payments::settle(&mut tx, id, PaymentStatus::Refunded, None, None, now).await?;
        let event = serde_json::json!({"order_id": id});
        notifications::enqueue(&mut tx, notifications::Topic::OrderCancelled, &event).await?;
        // Stock last and in variant-id order, as everywhere stock moves.
        let reason = format!("order {id} cancelled");
        for line in store::stock_lines(&mut tx, id).await? {
            inventory::move_stock(&mut tx, &line.variant_id, StockMove::Return, line.quantity, &reason)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await?;
    super::get_order(db, id, Reader::ADMIN).await
}
