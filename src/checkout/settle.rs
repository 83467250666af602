//! Settling a pending order once the payment's outcome is known, from the checkout request
//! itself or from the reconciler after a crash. Each settles at most once: the status move
//! `pending_payment → paid | failed` is the guard.

use std::time::Duration;

use crate::{
    cart,
    config::Reconcile,
    db::{Db, retry_transient},
    error::ApiError,
    inventory::{self, StockMove},
    notifications,
    orders::{self, OrderItem, Settlement, StockLine},
    payments::{self, ChargeOutcome, PaymentStatus, Payments},
    promotions, time,
};

/// How long checkout waits for the provider before asking what became of the charge.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// What the checkout that just wrote an order knows of it, so paying it reads nothing back.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    pub items: &'a [OrderItem],
    pub held: promotions::Held,
}

/// The charge went through: sell the reserved units, complete the cart, queue the
/// confirmation. Returns when it did so, or `None` if the order was settled already. What the
/// caller does not know of the order (`known`) is read.
pub async fn mark_paid(
    db: &Db,
    order_id: &str,
    reference: &str,
    known: Option<Known<'_>>,
) -> Result<Option<i64>, ApiError> {
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        let Some(order) = orders::settle(&mut tx, order_id, Settlement::Paid { reference }, now).await?
        else {
            return Ok(None);
        };
        cart::complete(&mut tx, &order.cart_id, now).await?;
        let event = serde_json::json!({"order_id": order_id, "email": order.email});
        notifications::enqueue(&mut tx, notifications::Topic::OrderPaid, &event).await?;
        // Stock last: a popular variant's row stays locked from its update to the commit, and
        // every other checkout of it waits that long.
        let mut lines = match known {
            Some(Known { items, .. }) => items
                .iter()
                .map(|i| StockLine {
                    variant_id: i.variant_id.clone(),
                    sku: i.sku.clone(),
                    quantity: i.quantity,
                })
                .collect(),
            None => orders::stock_lines(&mut tx, order_id).await?,
        };
        lines.sort_by(|a, b| a.variant_id.cmp(&b.variant_id));
        let reason = format!("order {order_id}");
        for line in lines {
            if !inventory::move_stock(&mut tx, &line.variant_id, StockMove::Sell, line.quantity, &reason)
                .await?
            {
                return Err(ApiError::internal(format_args!(
                    "order {order_id}: reserved units of {} missing",
                    line.sku
                )));
            }
        }
        // Promotions after stock, in both settling and reserving: rows locked in one order.
        let held = known.map_or(promotions::Held::Unknown, |k| k.held);
        promotions::settle(&mut tx, order_id, true, held, now).await?;
        tx.commit().await?;
        Ok(Some(now))
    })
    .await
}

/// Remembers the provider's id for a charge still in progress.
pub async fn note_reference(db: &Db, order_id: &str, reference: &str) -> Result<(), ApiError> {
    payments::settle(db, order_id, PaymentStatus::Pending, Some(reference), None, time::now_ms()).await?;
    Ok(())
}

/// The charge did not happen: release the reserved units and reopen the cart. Does nothing if
/// the order was settled already.
pub async fn mark_failed(db: &Db, order_id: &str, code: &str) -> Result<(), ApiError> {
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        let Some(order) = orders::settle(&mut tx, order_id, Settlement::Failed { code }, now).await? else {
            return Ok(());
        };
        cart::reopen(&mut tx, &order.cart_id, order_id, now).await?;
        // Stock last, as in `mark_paid`, and in variant-id order (`stock_lines`).
        let reason = format!("order {order_id}: payment {code}");
        for line in orders::stock_lines(&mut tx, order_id).await? {
            inventory::move_stock(&mut tx, &line.variant_id, StockMove::Release, line.quantity, &reason)
                .await?;
        }
        promotions::settle(&mut tx, order_id, false, promotions::Held::Unknown, now).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Settles orders left `pending_payment` (a crash, a lost connection) for longer than
/// `settings.after`: asks the provider by the order id and settles accordingly. An order the
/// provider never charged is released once it is `settings.release_unpaid_after` old, well
/// past any request still in flight. Safe to run in every process at once: settling is
/// guarded. Returns how many orders it settled.
pub async fn reconcile_pending(
    db: &Db,
    payments: &Payments,
    settings: &Reconcile,
) -> Result<usize, ApiError> {
    let now = time::now_ms();
    let millis = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let (older_than_ms, release_after_ms) = (millis(settings.after), millis(settings.release_unpaid_after));
    let mut settled = 0;
    for order_id in orders::pending_before(db, now - older_than_ms).await? {
        let order = match orders::get_order(db, &order_id, orders::Reader::ADMIN).await {
            Ok(order) => order,
            Err(e) if e.code() == "not_found" => continue,
            Err(e) => return Err(e),
        };
        let Some(provider) = order.payment.as_ref().and_then(|p| payments.get(&p.provider)) else { continue };
        match provider.find_charge(&order_id).await {
            Ok(Some(ChargeOutcome::Succeeded { reference })) => {
                mark_paid(db, &order_id, &reference, None).await?;
            }
            Ok(Some(ChargeOutcome::Declined { code })) => mark_failed(db, &order_id, &code).await?,
            // Abandoned at 3-D Secure: cancel it first, so it can never succeed after the
            // stock went back; if Stripe refuses (it just succeeded), the next round sees that.
            Ok(Some(ChargeOutcome::Pending { reference, .. }))
                if order.created_at < now - release_after_ms =>
            {
                if provider.cancel(&reference).await.is_err() {
                    continue;
                }
                mark_failed(db, &order_id, "expired").await?;
            }
            Ok(None) if order.created_at < now - release_after_ms => {
                mark_failed(db, &order_id, "abandoned").await?
            }
            // Too young to give up on, or the provider is down: next round.
            Ok(None | Some(ChargeOutcome::Pending { .. })) | Err(_) => continue,
        }
        settled += 1;
    }
    Ok(settled)
}
