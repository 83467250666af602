//! Shipment SQL: `shipments` and `shipment_items` are the orders module's, as is the fulfilled
//! quantity of `order_items`, which only the guarded updates here change.

use std::collections::HashMap;

use super::model::{Shipment, ShipmentItem, ShipmentStatus};
use crate::db::{self, Exec, FromRow, GuardedUpdate, insert_rows, sql};

/// Holds the order's row for the rest of the transaction if it can still ship (`paid` or
/// `partially_fulfilled`), so fulfilments of one order take turns; false otherwise.
pub async fn lock_shippable(db: impl Exec, order_id: &str, now: i64) -> Result<bool, db::Error> {
    let done = sql(
        "orders.lock_shippable",
        "UPDATE orders SET updated_at = $2 WHERE id = $1 AND status IN ('paid', 'partially_fulfilled')",
    )
    .bind(order_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// Holds the order's row for the rest of the transaction, whatever its status (a shipment of it
/// is being cancelled).
pub async fn lock_order(db: impl Exec, order_id: &str, now: i64) -> Result<(), db::Error> {
    sql("orders.lock_for_cancelled_shipment", "UPDATE orders SET updated_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(db)
        .await
        .map(drop)
}

/// Each line of the order: (id, quantity, fulfilled quantity), in the order's line order.
pub async fn lines(db: impl Exec, order_id: &str) -> Result<Vec<(String, i64, i64)>, db::Error> {
    sql(
        "orders.fulfilment_lines",
        "SELECT id, quantity, fulfilled_quantity FROM order_items WHERE order_id = $1 ORDER BY position",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// Adds `quantity` to a line's fulfilled units unless that would pass its ordered quantity:
/// the one guard on fulfilment, whatever the callers read before. False when refused.
pub async fn fulfil_units(
    db: impl Exec,
    order_id: &str,
    item_id: &str,
    quantity: i64,
) -> Result<bool, db::Error> {
    let done = sql(
        "orders.fulfil_units",
        "UPDATE order_items SET fulfilled_quantity = fulfilled_quantity + $3
         WHERE id = $1 AND order_id = $2 AND fulfilled_quantity + $3 <= quantity",
    )
    .bind(item_id)
    .bind(order_id)
    .bind(quantity)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// Takes a cancelled shipment's units off its lines' fulfilled quantities.
pub async fn unfulfil_units(db: impl Exec, item_id: &str, quantity: i64) -> Result<bool, db::Error> {
    let done = sql(
        "orders.unfulfil_units",
        "UPDATE order_items SET fulfilled_quantity = fulfilled_quantity - $2 WHERE id = $1 AND fulfilled_quantity >= $2",
    )
    .bind(item_id)
    .bind(quantity)
    .execute(db)
    .await?;
    Ok(done == 1)
}

pub async fn insert(mut db: impl Exec, s: &Shipment) -> Result<(), db::Error> {
    sql(
        "orders.insert_shipment",
        "INSERT INTO shipments (id, order_id, status, carrier, tracking_number, tracking_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&s.id)
    .bind(&s.order_id)
    .bind(s.status.as_str())
    .bind(&s.carrier)
    .bind(&s.tracking_number)
    .bind(&s.tracking_url)
    .bind(s.created_at)
    .execute(&mut db)
    .await?;
    let head = "INSERT INTO shipment_items (shipment_id, order_item_id, quantity) VALUES ";
    insert_rows(db, "orders.insert_shipment_items", head, &s.items, |i| {
        [s.id.as_str().into(), i.order_item_id.as_str().into(), i.quantity.into()]
    })
    .await
}

/// Moves a shipment from `from` to `to`; its order's id, or `None` when it was not in `from`.
pub async fn transition(
    db: impl Exec,
    id: &str,
    from: ShipmentStatus,
    to: ShipmentStatus,
    now: i64,
) -> Result<Option<String>, db::Error> {
    GuardedUpdate {
        name: "orders.shipment_transition",
        table: "shipments",
        set: "status = $3, updated_at = $4",
        key: "id = $1",
        guard: "status = $2",
        returning: "order_id",
    }
    .sql()
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .scalar_optional(db)
    .await
}

#[derive(FromRow)]
struct ShipmentRow {
    id: String,
    order_id: String,
    status: String,
    carrier: Option<String>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// The shipments of these orders with their items, oldest first: two queries for them all.
pub async fn of_orders(
    mut db: impl Exec,
    order_ids: &[&str],
) -> Result<HashMap<String, Vec<Shipment>>, db::Error> {
    let mut found: HashMap<String, Vec<Shipment>> = HashMap::new();
    if order_ids.is_empty() {
        return Ok(found);
    }
    let mut q = sql(
        "orders.shipments_of",
        "SELECT id, order_id, status, carrier, tracking_number, tracking_url, created_at, updated_at
         FROM shipments WHERE order_id IN (",
    );
    q.push_list(order_ids.iter().copied()).push(") ORDER BY created_at, id");
    let rows: Vec<ShipmentRow> = q.fetch_all(&mut db).await?;
    if rows.is_empty() {
        return Ok(found);
    }
    let mut q = sql(
        "orders.shipment_items_of",
        "SELECT si.shipment_id, si.order_item_id, si.quantity FROM shipment_items si
         JOIN order_items oi ON oi.id = si.order_item_id WHERE si.shipment_id IN (",
    );
    q.push_list(rows.iter().map(|r| r.id.as_str())).push(") ORDER BY oi.position");
    let mut items: HashMap<String, Vec<ShipmentItem>> = HashMap::new();
    for (shipment, order_item_id, quantity) in q.fetch_all::<(String, String, i64)>(db).await? {
        items.entry(shipment).or_default().push(ShipmentItem { order_item_id, quantity });
    }
    for r in rows {
        found.entry(r.order_id.clone()).or_default().push(Shipment {
            items: items.remove(&r.id).unwrap_or_default(),
            status: ShipmentStatus::from_db(&r.status),
            id: r.id,
            order_id: r.order_id,
            carrier: r.carrier,
            tracking_number: r.tracking_number,
            tracking_url: r.tracking_url,
            created_at: r.created_at,
            updated_at: r.updated_at,
        });
    }
    Ok(found)
}

/// One shipment's order, whatever its status.
pub async fn order_of(db: impl Exec, id: &str) -> Result<Option<String>, db::Error> {
    sql("orders.shipment_order", "SELECT order_id FROM shipments WHERE id = $1")
        .bind(id)
        .scalar_optional(db)
        .await
}

/// Sets the order's status after its fulfilment changed (its row is held by the caller).
pub async fn set_status(db: impl Exec, order_id: &str, status: &str, now: i64) -> Result<(), db::Error> {
    sql("orders.set_fulfilment_status", "UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(order_id)
        .bind(status)
        .bind(now)
        .execute(db)
        .await
        .map(drop)
}
