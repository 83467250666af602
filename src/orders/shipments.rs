//! Fulfilment: a paid order ships in one or more shipments (admins). Each shipment names the
//! units of each line it carries, with a carrier and tracking; the order is
//! `partially_fulfilled` until every unit has shipped, then `fulfilled`. A shipment can be
//! cancelled until it is delivered, and its units count as unfulfilled again.
//!
//! Fulfilled units are a limited quantity, guarded like stock: each line's
//! `fulfilled_quantity` rises by a guarded `UPDATE` in the transaction that records the
//! shipment, and never past the line's quantity, however many admins ship at once.

use super::{
    Order, OrderStatus, Reader, model::Shipment, model::ShipmentItem, model::ShipmentStatus, shipment_store,
};
use crate::{
    db::{Db, Tx, retry_transient},
    error::{ApiError, FieldError},
    ids, notifications, time,
    validate::{self, Validator},
};

/// What an admin sends: the units to ship (`None`: everything not shipped yet) and how.
pub struct ShipmentInput {
    pub items: Option<Vec<(String, i64)>>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
}

/// The input with its texts trimmed, or every problem with it.
fn check(input: ShipmentInput) -> Result<ShipmentInput, ApiError> {
    let mut v = Validator::new();
    let optional = |v: &mut Validator, field: &str, value: Option<String>, max: usize| match value.as_deref()
    {
        None => None,
        Some(text) => v.check(field, validate::text(text, 1, max)),
    };
    let carrier = optional(&mut v, "carrier", input.carrier, 100);
    let tracking_number = optional(&mut v, "tracking_number", input.tracking_number, 100);
    let tracking_url = input.tracking_url.and_then(|url| {
        let url = url.trim().to_owned();
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 2048
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        v.check("tracking_url", if ok { Ok(url) } else { Err("must be an http(s) URL".into()) })
    });
    if let Some(items) = &input.items {
        if items.is_empty() || items.len() > 100 {
            v.check::<()>("items", Err("must name 1 to 100 lines, or be left out to ship everything".into()));
        }
        for (i, (id, quantity)) in items.iter().enumerate() {
            if !(1..=999).contains(quantity) {
                v.check::<()>(&format!("items[{i}].quantity"), Err("must be between 1 and 999".into()));
            }
            if items[..i].iter().any(|(other, _)| other == id) {
                v.check::<()>(&format!("items[{i}].order_item_id"), Err("repeats another item".into()));
            }
        }
    }
    v.finish()?;
    Ok(ShipmentInput { items: input.items, carrier, tracking_number, tracking_url })
}

/// Ships units of a `paid` or `partially_fulfilled` order; returns the order as it now stands.
pub async fn ship(db: &Db, order_id: &str, input: ShipmentInput) -> Result<Order, ApiError> {
    let input = &check(input)?;
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        if !shipment_store::lock_shippable(&mut tx, order_id, now).await? {
            // Its connection goes back first: saying why reads on another, and twenty admins
            // refused at once must not hold the whole pool while they ask.
            drop(tx);
            return Err(not_shippable(db, order_id).await);
        }
        let lines = shipment_store::lines(&mut tx, order_id).await?;
        let wanted: Vec<(String, i64)> = match &input.items {
            Some(items) => items.clone(),
            None => lines.iter().filter(|(_, q, f)| q > f).map(|(id, q, f)| (id.clone(), q - f)).collect(),
        };
        let mut problems = Vec::new();
        for (i, (item_id, quantity)) in wanted.iter().enumerate() {
            let Some((_, ordered, fulfilled)) = lines.iter().find(|(id, _, _)| id == item_id) else {
                problems.push(FieldError {
                    field: format!("items[{i}].order_item_id"),
                    message: "is not a line of this order".into(),
                });
                continue;
            };
            if !shipment_store::fulfil_units(&mut tx, order_id, item_id, *quantity).await? {
                let left = (ordered - fulfilled).max(0);
                problems.push(FieldError {
                    field: format!("items[{i}].quantity"),
                    message: format!("only {left} of {ordered} units are left to ship"),
                });
            }
        }
        if let Some(unknown) = problems.iter().find(|p| p.field.ends_with("order_item_id")) {
            return Err(ApiError::validation(vec![unknown.clone()]));
        }
        if !problems.is_empty() {
            // The rollback undoes the lines that did fit: a shipment is whole or nothing.
            return Err(ApiError::conflict(
                "fulfillment_exceeds_order",
                "A line cannot ship more units than were ordered.",
            )
            .with_errors(problems));
        }
        let shipment = Shipment {
            id: ids::new_id("shp"),
            order_id: order_id.to_owned(),
            status: ShipmentStatus::Shipped,
            carrier: input.carrier.clone(),
            tracking_number: input.tracking_number.clone(),
            tracking_url: input.tracking_url.clone(),
            items: wanted
                .into_iter()
                .map(|(order_item_id, quantity)| ShipmentItem { order_item_id, quantity })
                .collect(),
            created_at: now,
            updated_at: now,
        };
        shipment_store::insert(&mut tx, &shipment).await?;
        if let Some(tracking) = &shipment.tracking_number {
            super::store::set_tracking(&mut tx, order_id, tracking).await?;
        }
        let status = settle_status(&mut tx, order_id, now).await?;
        let event = serde_json::json!({"order_id": order_id, "shipment_id": shipment.id});
        notifications::enqueue(&mut tx, notifications::Topic::OrderShipped, &event).await?;
        if status == OrderStatus::Fulfilled {
            let event =
                serde_json::json!({"order_id": order_id, "tracking_number": shipment.tracking_number});
            notifications::enqueue(&mut tx, notifications::Topic::OrderFulfilled, &event).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await?;
    super::get_order(db, order_id, Reader::ADMIN).await
}

/// `shipped → delivered`.
pub async fn deliver(db: &Db, shipment_id: &str) -> Result<Order, ApiError> {
    let now = time::now_ms();
    let moved =
        shipment_store::transition(db, shipment_id, ShipmentStatus::Shipped, ShipmentStatus::Delivered, now);
    let order_id = match moved.await? {
        Some(order_id) => order_id,
        None => return Err(not_movable(db, shipment_id, "delivered").await),
    };
    super::get_order(db, &order_id, Reader::ADMIN).await
}

/// `shipped → cancelled`, before delivery: its units count as unfulfilled again, and the order
/// goes back to `partially_fulfilled` (or `paid` when nothing else shipped).
pub async fn cancel(db: &Db, shipment_id: &str) -> Result<Order, ApiError> {
    let order_id = retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        let moved = shipment_store::transition(
            &mut tx,
            shipment_id,
            ShipmentStatus::Shipped,
            ShipmentStatus::Cancelled,
            now,
        );
        let Some(order_id) = moved.await? else {
            drop(tx);
            return Err(not_movable(db, shipment_id, "cancelled").await);
        };
        shipment_store::lock_order(&mut tx, &order_id, now).await?;
        let shipments = shipment_store::of_orders(&mut tx, &[order_id.as_str()]).await?;
        let items = shipments
            .get(&order_id)
            .and_then(|all| all.iter().find(|s| s.id == shipment_id))
            .map(|s| s.items.clone())
            .unwrap_or_default();
        for item in &items {
            shipment_store::unfulfil_units(&mut tx, &item.order_item_id, item.quantity).await?;
        }
        settle_status(&mut tx, &order_id, now).await?;
        tx.commit().await?;
        Ok(order_id)
    })
    .await?;
    super::get_order(db, &order_id, Reader::ADMIN).await
}

/// The order's fulfilment status from its lines: `fulfilled` when every unit has shipped,
/// `partially_fulfilled` when some have, `paid` when none have.
async fn settle_status(tx: &mut Tx, order_id: &str, now: i64) -> Result<OrderStatus, ApiError> {
    let lines = shipment_store::lines(&mut *tx, order_id).await?;
    let status = if lines.iter().all(|(_, q, f)| f >= q) {
        OrderStatus::Fulfilled
    } else if lines.iter().any(|(_, _, f)| *f > 0) {
        OrderStatus::PartiallyFulfilled
    } else {
        OrderStatus::Paid
    };
    shipment_store::set_status(&mut *tx, order_id, status.as_str(), now).await?;
    Ok(status)
}

/// Why an order cannot ship: there is no such order, or its status does not allow it.
async fn not_shippable(db: &Db, order_id: &str) -> ApiError {
    match super::get_order(db, order_id, Reader::ADMIN).await {
        Ok(order) => super::lifecycle::invalid_state(&order, "fulfilled"),
        Err(e) => e,
    }
}

async fn not_movable(db: &Db, shipment_id: &str, action: &str) -> ApiError {
    let order_id = match shipment_store::order_of(db, shipment_id).await {
        Ok(Some(order_id)) => order_id,
        Ok(None) => return ApiError::not_found(),
        Err(e) => return e.into(),
    };
    let status = match super::get_order(db, &order_id, Reader::ADMIN).await {
        Ok(order) => order.shipments.into_iter().find(|s| s.id == shipment_id).map(|s| s.status),
        Err(e) => return e,
    };
    let now = status.map_or("gone", ShipmentStatus::as_str);
    ApiError::conflict(
        "invalid_state",
        format!("Only a shipped shipment can be {action}; this one is {now}."),
    )
    .with_extension("shipment_status", now)
}
