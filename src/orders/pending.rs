//! A pending order's life, as checkout drives it: created with its lines and its payment in the
//! transaction that reserves the stock, then settled once. These and `lifecycle.rs` are the
//! only writers of `orders` and `order_items`.

pub use super::store::{Moved, StockLine};
use super::{
    model::{Order, OrderItem, OrderStatus, PendingOrder},
    store,
};
use crate::{
    db::{Db, Tx},
    error::ApiError,
    payments::{self, NewPayment, Payment, PaymentStatus},
};

/// Records the order `pending_payment` under the next order number, its lines in the given
/// order, and its `pending` payment, in the caller's transaction. The total is the sum of the
/// lines. Returns the order as written.
pub async fn create_pending(
    tx: &mut Tx,
    o: PendingOrder<'_>,
    items: Vec<OrderItem>,
) -> Result<Order, ApiError> {
    let subtotal: i64 = items.iter().map(|i| i.line_total).sum();
    let total =
        items.iter().map(|i| i.total).sum::<i64>() + o.totals.shipping.as_ref().map_or(0, |s| s.total);
    let number = store::insert_order(&mut *tx, &o, subtotal, total).await?;
    for (position, item) in items.iter().enumerate() {
        store::insert_item(&mut *tx, o.id, i64::try_from(position).unwrap_or(0), item).await?;
    }
    let payment = NewPayment {
        id: o.payment_id,
        order_id: o.id,
        provider: o.provider,
        amount: total,
        currency: o.currency,
        now: o.now,
    };
    payments::open(&mut *tx, &payment).await?;
    Ok(Order {
        id: o.id.to_owned(),
        number,
        cart_id: o.cart_id.to_owned(),
        customer_id: o.customer_id.map(str::to_owned),
        email: o.email.to_owned(),
        status: OrderStatus::PendingPayment,
        currency: o.currency.to_owned(),
        subtotal,
        total,
        totals: o.totals.clone(),
        shipping_address: o.shipping_address.clone(),
        tracking_number: None,
        items,
        shipments: Vec::new(),
        payment: Some(Payment {
            id: o.payment_id.to_owned(),
            provider: o.provider.to_owned(),
            reference: None,
            status: PaymentStatus::Pending,
            failure_code: None,
        }),
        created_at: o.now,
        updated_at: o.now,
    })
}

/// How a pending order's payment ended.
pub enum Settlement<'a> {
    Paid { reference: &'a str },
    Failed { code: &'a str },
}

/// Moves the order out of `pending_payment` and records its payment's outcome, in the caller's
/// transaction. `None` when it was settled already: the status move is the guard, so it
/// settles once however many callers race (the checkout, a webhook, the reconciler).
pub async fn settle(
    tx: &mut Tx,
    order_id: &str,
    how: Settlement<'_>,
    now: i64,
) -> Result<Option<Moved>, ApiError> {
    let (to, payment, reference, code) = match how {
        Settlement::Paid { reference } => {
            (OrderStatus::Paid, PaymentStatus::Succeeded, Some(reference), None)
        }
        Settlement::Failed { code } => (OrderStatus::Failed, PaymentStatus::Failed, None, Some(code)),
    };
    let Some(moved) = store::transition(&mut *tx, order_id, OrderStatus::PendingPayment, to, now).await?
    else {
        return Ok(None);
    };
    payments::settle(&mut *tx, order_id, payment, reference, code, now).await?;
    Ok(Some(moved))
}

/// What each line of the order takes from stock, in variant-id order.
pub async fn stock_lines(tx: &mut Tx, order_id: &str) -> Result<Vec<StockLine>, ApiError> {
    Ok(store::stock_lines(&mut *tx, order_id).await?)
}

/// Orders still waiting for their payment's outcome, created before `before` (for the reconciler).
pub async fn pending_before(db: &Db, before: i64) -> Result<Vec<String>, ApiError> {
    Ok(store::pending_before(db, before).await?)
}
