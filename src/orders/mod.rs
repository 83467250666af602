//! Orders: what was bought, by whom, at what price, and where it stands.
//!
//! `pending_payment` → `paid` → (`partially_fulfilled` →) `fulfilled`, one shipment at a time
//! (`shipments.rs`); `paid` → `cancelled` (refunded, stock returned).
//! `failed` records a checkout whose payment did not go through; only admins see it. Every
//! move is an `UPDATE … WHERE status = <from>`, so two racing moves cannot both happen.

pub mod admin_routes;
mod lifecycle;
mod listing;
mod model;
pub mod note_routes;
mod notes;
mod pending;
pub mod routes;
mod sales;
pub mod shipment_routes;
mod shipment_store;
mod shipments;
mod store;
pub mod views;

pub use model::{
    AdminFilter, DiscountSnapshot, Order, OrderItem, OrderStatus, OrderTotals, Payment, PendingOrder,
    RegionSnapshot, Shipment, ShipmentItem, ShipmentStatus, ShippingAddress, ShippingSnapshot,
};
pub use pending::{Moved, Settlement, StockLine, create_pending, pending_before, settle, stock_lines};
pub use sales::{DAY_MS, DaySales, awaiting_shipment, per_day as sales_per_day};

use crate::{
    db::Db,
    error::ApiError,
    ids,
    page::{Cursor, PageRequest},
};

/// Who is asking for an order: any one of these that fits opens it.
#[derive(Default)]
pub struct Reader<'a> {
    pub admin: bool,
    pub customer_id: Option<&'a str>,
    /// The order's access token (from the checkout response or the confirmation email).
    pub token: Option<&'a str>,
}

impl Reader<'_> {
    pub const ADMIN: Reader<'static> = Reader { admin: true, customer_id: None, token: None };
}

/// The order if `reader` may see it; otherwise the same `404` as for an order that does not exist.
pub async fn get_order(db: &Db, id: &str, reader: Reader<'_>) -> Result<Order, ApiError> {
    let mut conn = db.acquire().await?;
    let (order, token_hash) = store::find(&mut conn, id).await?.ok_or_else(ApiError::not_found)?;
    let owner = reader.customer_id.is_some() && order.customer_id.as_deref() == reader.customer_id;
    let holder = match reader.token {
        None => false,
        Some(token) => {
            let hash = ids::token_hash(token);
            ids::constant_time_eq(hash.as_bytes(), token_hash.as_bytes())
                || store::has_extra_token(&mut conn, &order.id, &hash).await?
        }
    };
    // A failed checkout is not an order to the shopper.
    let allowed = reader.admin || (order.status != OrderStatus::Failed && (owner || holder));
    if allowed { Ok(order) } else { Err(ApiError::not_found()) }
}

/// A customer's orders, newest first (not those whose payment failed).
pub async fn list_for_customer(
    db: &Db,
    customer_id: &str,
    page: &PageRequest,
) -> Result<Vec<Order>, ApiError> {
    let mut conn = db.acquire().await?;
    Ok(listing::list(&mut conn, listing::ListFilter::Customer(customer_id), page).await?)
}

/// Every order, newest first, narrowed by `filter`.
pub async fn list_all(db: &Db, filter: &AdminFilter, page: &PageRequest) -> Result<Vec<Order>, ApiError> {
    let mut conn = db.acquire().await?;
    Ok(listing::list(&mut conn, listing::ListFilter::Admin(filter), page).await?)
}

pub fn cursor_of(order: &Order) -> Cursor {
    Cursor { at: order.created_at, id: order.id.clone() }
}

/// Store-wide numbers for `/metrics`.
pub async fn snapshot(db: &Db) -> Result<crate::metrics::StoreSnapshot, ApiError> {
    let mut conn = db.acquire().await?;
    let orders_by_status = store::counts_by_status(&mut conn).await?;
    let payments_by_status = crate::payments::counts(&mut conn).await?;
    let outbox_by_status = crate::notifications::outbox::counts(&mut conn).await?;
    // Not delivered yet: waiting for its turn or being sent.
    let outbox_backlog =
        outbox_by_status.iter().filter(|(s, _)| s == "pending" || s == "sending").map(|(_, n)| n).sum();
    Ok(crate::metrics::StoreSnapshot {
        orders_by_status,
        payments_by_status,
        outbox_backlog,
        outbox_by_status,
    })
}

/// A new key to the order, for a link in an email. Only its hash is kept.
pub async fn mint_access_token(db: &Db, order_id: &str) -> Result<String, ApiError> {
    let token = ids::new_token("ordtok");
    store::insert_extra_token(db, order_id, &ids::token_hash(&token), crate::time::now_ms()).await?;
    Ok(token)
}

/// Whether the customer, or anyone with the email (any case), has had an order paid for (it
/// counts once paid, even if cancelled later): a promotion for new customers asks.
pub async fn has_paid_order(
    db: impl crate::db::Exec,
    customer_id: Option<&str>,
    email: Option<&str>,
) -> Result<bool, crate::db::Error> {
    store::has_paid_order(db, customer_id, email).await
}
