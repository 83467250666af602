//! Order SQL.

use std::collections::HashMap;

use super::{
    model::{Order, OrderItem, OrderStatus, OrderTotals, Payment, PendingOrder, Shipment, ShippingAddress},
    shipment_store,
};
use crate::{
    db::{self, Exec, FromRow, GuardedUpdate, count_by_status, sql},
    payments,
};

pub(super) const ORDER_COLUMNS: &str = "o.id, o.number, o.cart_id, o.customer_id, o.email, o.status, o.currency, o.subtotal, \
     o.total, o.discount_total, o.shipping_total, o.tax_total, o.tax_included, o.tax_provider, o.region, o.shipping, \
     o.discounts, o.shipping_address, o.access_token_hash, o.tracking_number, o.created_at, o.updated_at";

#[derive(FromRow)]
pub(super) struct OrderRow {
    id: String,
    number: i64,
    cart_id: String,
    customer_id: Option<String>,
    email: String,
    status: String,
    currency: String,
    subtotal: i64,
    total: i64,
    discount_total: i64,
    shipping_total: i64,
    tax_total: i64,
    tax_included: i64,
    tax_provider: Option<String>,
    region: Option<String>,
    shipping: Option<String>,
    discounts: Option<String>,
    shipping_address: String,
    access_token_hash: String,
    tracking_number: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl OrderRow {
    fn into_order(
        self,
        items: Vec<OrderItem>,
        payment: Option<Payment>,
        shipments: Vec<Shipment>,
    ) -> (Order, String) {
        let address = serde_json::from_str(&self.shipping_address).unwrap_or(ShippingAddress {
            name: String::new(),
            line1: String::new(),
            line2: None,
            city: String::new(),
            postal_code: String::new(),
            country: String::new(),
            province: None,
        });
        // Written from typed values by `insert_order`; what cannot be read is shown as absent.
        let totals = OrderTotals {
            discount_total: self.discount_total,
            shipping_total: self.shipping_total,
            tax_total: self.tax_total,
            tax_included: self.tax_included != 0,
            tax_provider: self.tax_provider,
            region: self.region.and_then(|r| serde_json::from_str(&r).ok()),
            shipping: self.shipping.and_then(|s| serde_json::from_str(&s).ok()),
            discounts: self.discounts.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default(),
        };
        let order = Order {
            status: OrderStatus::from_db(&self.status),
            id: self.id,
            number: self.number,
            cart_id: self.cart_id,
            customer_id: self.customer_id,
            email: self.email,
            currency: self.currency,
            subtotal: self.subtotal,
            total: self.total,
            totals,
            shipping_address: address,
            tracking_number: self.tracking_number,
            items,
            shipments,
            payment,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        (order, self.access_token_hash)
    }
}

#[derive(FromRow)]
struct ItemRow {
    order_id: String,
    id: String,
    variant_id: String,
    product_id: String,
    product_title: String,
    variant_title: String,
    sku: String,
    quantity: i64,
    unit_price: i64,
    line_total: i64,
    tax_class: String,
    discount: i64,
    tax: i64,
    tax_lines: String,
    total: i64,
    fulfilled_quantity: i64,
}

/// Completes order rows with their items and payments: two queries for the whole page.
pub(super) async fn assemble(
    mut db: impl Exec,
    rows: Vec<OrderRow>,
) -> Result<Vec<(Order, String)>, db::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut q = sql(
        "orders.assemble",
        "SELECT order_id, id, variant_id, product_id, product_title, variant_title, sku, quantity, unit_price, \
         line_total, tax_class, discount, tax, tax_lines, total, fulfilled_quantity FROM order_items WHERE order_id IN (",
    );
    q.push_list(ids.iter().copied()).push(") ORDER BY order_id, position");
    let mut items: HashMap<String, Vec<OrderItem>> = HashMap::new();
    for r in q.fetch_all::<ItemRow>(&mut db).await? {
        items.entry(r.order_id).or_default().push(OrderItem {
            id: r.id,
            variant_id: r.variant_id,
            product_id: r.product_id,
            product_title: r.product_title,
            variant_title: r.variant_title,
            sku: r.sku,
            quantity: r.quantity,
            unit_price: r.unit_price,
            line_total: r.line_total,
            tax_lines: serde_json::from_str(&r.tax_lines).unwrap_or_default(),
            tax_class: r.tax_class,
            discount: r.discount,
            tax: r.tax,
            total: r.total,
            fulfilled_quantity: r.fulfilled_quantity,
        });
    }
    let mut payments = payments::for_orders(&mut db, &ids).await?;
    let mut shipments = shipment_store::of_orders(&mut db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let i = items.remove(&row.id).unwrap_or_default();
            let p = payments.remove(&row.id);
            let s = shipments.remove(&row.id).unwrap_or_default();
            row.into_order(i, p, s)
        })
        .collect())
}

/// The order and the hash of its access token.
pub async fn find(mut db: impl Exec, id: &str) -> Result<Option<(Order, String)>, db::Error> {
    let mut q = sql("orders.find", "SELECT ");
    q.push(ORDER_COLUMNS).push(" FROM orders o WHERE o.id = ").push_bind(id);
    let rows: Vec<OrderRow> = q.fetch_all(&mut db).await?;
    Ok(assemble(db, rows).await?.pop())
}

/// Records a new order under the next order number, and returns that number.
pub async fn insert_order(
    mut db: impl Exec,
    o: &PendingOrder<'_>,
    subtotal: i64,
    total: i64,
) -> Result<i64, db::Error> {
    let mut insert = sql(
        "orders.insert",
        "INSERT INTO orders (id, number, cart_id, customer_id, email, status, currency, subtotal, total,
           discount_total, shipping_total, tax_total, tax_included, tax_provider, region, shipping, discounts,
           shipping_address, access_token_hash, created_at, updated_at)
         VALUES ($1, ",
    );
    insert.next_order_number().push(
        ", $2, $3, $4, 'pending_payment', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
    );
    let t = o.totals;
    insert
        .bind(o.id)
        .bind(o.cart_id)
        .bind(o.customer_id)
        .bind(o.email)
        .bind(o.currency)
        .bind(subtotal)
        .bind(total)
        .bind(t.discount_total)
        .bind(t.shipping_total)
        .bind(t.tax_total)
        .bind(i64::from(t.tax_included))
        .bind(t.tax_provider.clone())
        .bind(t.region.as_ref().and_then(|r| serde_json::to_string(r).ok()))
        .bind(t.shipping.as_ref().and_then(|s| serde_json::to_string(s).ok()))
        .bind((!t.discounts.is_empty()).then(|| serde_json::to_string(&t.discounts).ok()).flatten())
        .bind(serde_json::to_string(o.shipping_address).unwrap_or_default())
        .bind(o.access_token_hash)
        .bind(o.now)
        .execute(&mut db)
        .await?;
    // Read back rather than `RETURNING`, which MySQL does not have.
    sql("orders.number", "SELECT number FROM orders WHERE id = $1").bind(o.id).scalar_one(db).await
}

pub async fn has_paid_order(
    db: impl Exec,
    customer_id: Option<&str>,
    email: Option<&str>,
) -> Result<bool, db::Error> {
    let mut q = sql(
        "orders.has_paid_order",
        "SELECT id FROM orders WHERE status NOT IN ('pending_payment', 'failed') AND (",
    );
    match (customer_id, email) {
        (Some(id), Some(email)) => {
            q.push("customer_id = ").push_bind(id).push(" OR LOWER(email) = ").push_bind(email.to_lowercase())
        }
        (Some(id), None) => q.push("customer_id = ").push_bind(id),
        (None, Some(email)) => q.push("LOWER(email) = ").push_bind(email.to_lowercase()),
        (None, None) => return Ok(false),
    };
    q.push(") LIMIT 1");
    let found: Option<String> = q.scalar_optional(db).await?;
    Ok(found.is_some())
}

pub async fn insert_item(
    db: impl Exec,
    order_id: &str,
    position: i64,
    item: &OrderItem,
) -> Result<(), db::Error> {
    sql("orders.insert_item", 
        "INSERT INTO order_items (id, order_id, variant_id, product_id, product_title, variant_title, sku, quantity,
           unit_price, line_total, position, tax_class, discount, tax, tax_lines, total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&item.id)
    .bind(order_id)
    .bind(&item.variant_id)
    .bind(&item.product_id)
    .bind(&item.product_title)
    .bind(&item.variant_title)
    .bind(&item.sku)
    .bind(item.quantity)
    .bind(item.unit_price)
    .bind(item.line_total)
    .bind(position)
    .bind(&item.tax_class)
    .bind(item.discount)
    .bind(item.tax)
    .bind(serde_json::to_string(&item.tax_lines).unwrap_or_else(|_| "[]".into()))
    .bind(item.total)
    .execute(db)
    .await
    .map(drop)
}

/// What settling an order needs of it, returned by the status move that guards the settling.
pub struct Moved {
    pub cart_id: String,
    pub email: String,
}

/// Moves the order from `from` to `to`; `None` when it was not in `from` (someone else moved it).
pub async fn transition(
    db: impl Exec,
    id: &str,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<Option<Moved>, db::Error> {
    let moved: Option<(String, String)> = GuardedUpdate {
        name: "orders.transition",
        table: "orders",
        set: "status = $3, updated_at = $4",
        key: "id = $1",
        guard: "status = $2",
        returning: "cart_id, email",
    }
    .sql()
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(moved.map(|(cart_id, email)| Moved { cart_id, email }))
}

/// An order line as far as stock is concerned.
#[derive(FromRow)]
pub struct StockLine {
    pub variant_id: String,
    pub sku: String,
    pub quantity: i64,
}

/// What each line of the order takes from stock, in variant-id order: the order every
/// transaction that moves stock locks its rows in.
pub async fn stock_lines(db: impl Exec, order_id: &str) -> Result<Vec<StockLine>, db::Error> {
    sql(
        "orders.stock_lines",
        "SELECT variant_id, sku, quantity FROM order_items WHERE order_id = $1 ORDER BY variant_id",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

pub async fn set_tracking(db: impl Exec, id: &str, tracking: &str) -> Result<(), db::Error> {
    sql("orders.set_tracking", "UPDATE orders SET tracking_number = $2 WHERE id = $1")
        .bind(id)
        .bind(tracking)
        .execute(db)
        .await
        .map(drop)
}

/// Orders still waiting for their payment's outcome, created before `before` (for the reconciler).
pub async fn pending_before(db: impl Exec, before: i64) -> Result<Vec<String>, db::Error> {
    sql("orders.pending_before", 
        "SELECT id FROM orders WHERE status = 'pending_payment' AND created_at < $1 ORDER BY created_at LIMIT 100",
    )
    .bind(before)
    .scalar_all(db)
    .await
}

/// (status, count) for orders, every status listed even at zero.
pub async fn counts_by_status(db: impl Exec) -> Result<Vec<(String, i64)>, db::Error> {
    const ORDERS: [&str; 6] = ["pending_payment", "paid", "fulfilled", "cancelled", "refunded", "failed"];
    count_by_status(db, "orders.counts", "orders", &ORDERS).await
}

pub async fn insert_extra_token(
    db: impl Exec,
    order_id: &str,
    token_hash: &str,
    now: i64,
) -> Result<(), db::Error> {
    sql(
        "orders.insert_extra_token",
        "INSERT INTO order_access_tokens (token_hash, order_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(order_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn has_extra_token(db: impl Exec, order_id: &str, token_hash: &str) -> Result<bool, db::Error> {
    sql(
        "orders.has_extra_token",
        "SELECT order_id FROM order_access_tokens WHERE token_hash = $1 AND order_id = $2",
    )
    .bind(token_hash)
    .bind(order_id)
    .exists(db)
    .await
}
