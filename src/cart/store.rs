//! Cart SQL.

use crate::db::{self, Exec, FromRow, GuardedUpdate, Upsert, sql};

use super::model::{Cart, CartAddress, CartLine, CartStatus};

#[derive(FromRow)]
pub struct CartRow {
    pub id: String,
    pub customer_id: Option<String>,
    pub status: String,
    pub order_id: Option<String>,
    pub shipping_address: Option<String>,
    pub shipping_option_id: Option<String>,
    pub promotion_codes: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const CART_COLUMNS: &str = "id, customer_id, status, order_id, shipping_address, shipping_option_id, promotion_codes, \
     created_at, updated_at";

impl CartRow {
    pub fn into_cart(self, lines: Vec<CartLine>) -> Cart {
        Cart {
            status: if self.status == "completed" { CartStatus::Completed } else { CartStatus::Open },
            id: self.id,
            customer_id: self.customer_id,
            order_id: self.order_id,
            lines,
            // Written by `set_shipping_address` from a checked address; unreadable is none.
            shipping_address: self.shipping_address.and_then(|a| serde_json::from_str(&a).ok()),
            shipping_option_id: self.shipping_option_id,
            // Written by `set_promotion_codes` from checked codes; unreadable is none.
            promotion_codes: self
                .promotion_codes
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

pub async fn insert_cart(
    db: impl Exec,
    id: &str,
    customer_id: Option<&str>,
    now: i64,
) -> Result<(), db::Error> {
    sql(
        "cart.insert_cart",
        "INSERT INTO carts (id, customer_id, status, created_at, updated_at) VALUES ($1, $2, 'open', $3, $3)",
    )
    .bind(id)
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn cart_row(db: impl Exec, id: &str) -> Result<Option<CartRow>, db::Error> {
    let mut q = sql("cart.cart_row", "SELECT ");
    q.push(CART_COLUMNS).push(" FROM carts WHERE id = ").push_bind(id);
    q.fetch_optional(db).await
}

pub async fn set_shipping_address(db: impl Exec, id: &str, address: &CartAddress) -> Result<(), db::Error> {
    sql("cart.set_shipping_address", "UPDATE carts SET shipping_address = $2 WHERE id = $1")
        .bind(id)
        .bind(serde_json::to_string(address).unwrap_or_default())
        .execute(db)
        .await
        .map(drop)
}

pub async fn set_promotion_codes(db: impl Exec, id: &str, codes: &[String]) -> Result<(), db::Error> {
    let codes = (!codes.is_empty()).then(|| serde_json::to_string(codes).ok()).flatten();
    sql("cart.set_promotion_codes", "UPDATE carts SET promotion_codes = $2 WHERE id = $1")
        .bind(id)
        .bind(codes)
        .execute(db)
        .await
        .map(drop)
}

pub async fn set_shipping_option(db: impl Exec, id: &str, option_id: Option<&str>) -> Result<(), db::Error> {
    sql("cart.set_shipping_option", "UPDATE carts SET shipping_option_id = $2 WHERE id = $1")
        .bind(id)
        .bind(option_id)
        .execute(db)
        .await
        .map(drop)
}

/// Marks the cart as becoming `order_id` if it is open, no checkout holds it, and `caller` may
/// check it out (a guest cart, or their own); returns it as claimed, or `None` otherwise.
pub async fn claim(
    db: impl Exec,
    id: &str,
    caller: Option<&str>,
    order_id: &str,
    address: &CartAddress,
    now: i64,
) -> Result<Option<CartRow>, db::Error> {
    GuardedUpdate {
        name: "cart.claim",
        table: "carts",
        set: "order_id = $2, updated_at = $3, shipping_address = $5",
        key: "id = $1",
        guard: "order_id IS NULL AND status = 'open' AND (customer_id IS NULL OR customer_id = $4)",
        returning: CART_COLUMNS,
    }
    .sql()
    .bind(id)
    .bind(order_id)
    .bind(now)
    .bind(caller)
    .bind(serde_json::to_string(address).unwrap_or_default())
    .fetch_optional(db)
    .await
}

pub async fn release_claim(db: impl Exec, id: &str, order_id: &str, now: i64) -> Result<(), db::Error> {
    sql(
        "cart.release_claim",
        "UPDATE carts SET order_id = NULL, updated_at = $3 WHERE id = $1 AND order_id = $2",
    )
    .bind(id)
    .bind(order_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn set_status(db: impl Exec, id: &str, status: CartStatus, now: i64) -> Result<(), db::Error> {
    sql("cart.set_status", "UPDATE carts SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(status.as_str())
        .bind(now)
        .execute(db)
        .await
        .map(drop)
}

/// Marks the cart changed now, locking its row until the transaction ends (so changes to one
/// cart take turns, and its line count stays exact); false when there is no such cart.
pub async fn touch(db: impl Exec, id: &str, now: i64) -> Result<bool, db::Error> {
    let done = sql("cart.touch", "UPDATE carts SET updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(done == 1)
}

#[derive(FromRow)]
struct LineRow {
    id: String,
    variant_id: String,
    product_id: String,
    product_title: String,
    product_handle: String,
    product_status: String,
    images: String,
    variant_title: String,
    sku: String,
    quantity: i64,
    unit_price: i64,
    available: i64,
    tax_class: String,
    weight: i64,
    requires_shipping: i64,
}

/// The lines with the variants' current prices and stock, oldest line first.
pub async fn lines(db: impl Exec, cart_id: &str) -> Result<Vec<CartLine>, db::Error> {
    let rows: Vec<LineRow> = sql(
        "cart.lines",
        "SELECT i.id, i.variant_id, v.product_id, p.title AS product_title, p.handle AS product_handle,
           p.status AS product_status, p.images, v.title AS variant_title, v.sku, i.quantity,
           v.price AS unit_price, COALESCE(l.on_hand - l.reserved, 0) AS available, v.tax_class, v.weight,
           v.requires_shipping
         FROM cart_items i
         JOIN variants v ON v.id = i.variant_id
         JOIN products p ON p.id = v.product_id
         LEFT JOIN inventory_levels l ON l.variant_id = v.id
         WHERE i.cart_id = $1
         ORDER BY i.created_at, i.id",
    )
    .bind(cart_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CartLine {
            purchasable: r.product_status == "published",
            image: serde_json::from_str::<Vec<String>>(&r.images).ok().and_then(|i| i.into_iter().next()),
            id: r.id,
            variant_id: r.variant_id,
            product_id: r.product_id,
            product_title: r.product_title,
            product_handle: r.product_handle,
            variant_title: r.variant_title,
            sku: r.sku,
            quantity: r.quantity,
            unit_price: r.unit_price,
            available: r.available.max(0),
            tax_class: r.tax_class,
            weight: r.weight,
            requires_shipping: r.requires_shipping != 0,
        })
        .collect())
}

pub struct VariantForSale {
    pub available: i64,
}

/// A variant of a published product, with what is available of it.
pub async fn variant_for_sale(db: impl Exec, variant_id: &str) -> Result<Option<VariantForSale>, db::Error> {
    let available: Option<i64> = sql(
        "cart.variant_for_sale",
        "SELECT COALESCE(l.on_hand - l.reserved, 0)
         FROM variants v JOIN products p ON p.id = v.product_id
         LEFT JOIN inventory_levels l ON l.variant_id = v.id
         WHERE v.id = $1 AND p.status = 'published'",
    )
    .bind(variant_id)
    .scalar_optional(db)
    .await?;
    Ok(available.map(|a| VariantForSale { available: a.max(0) }))
}

/// Adds to the variant's line (creating it) and returns the line's new quantity.
pub async fn add_quantity(
    db: impl Exec,
    item_id: &str,
    cart_id: &str,
    variant_id: &str,
    quantity: i64,
    now: i64,
) -> Result<i64, db::Error> {
    Upsert {
        name: "cart.add_quantity",
        table: "cart_items",
        columns: "id, cart_id, variant_id, quantity, created_at, updated_at",
        values: "$1, $2, $3, $4, $5, $5",
        key: "cart_id, variant_id",
        update: Some("quantity = cart_items.quantity + excluded.quantity, updated_at = excluded.updated_at"),
        returning: Some("quantity"),
    }
    .sql()
    .bind(item_id)
    .bind(cart_id)
    .bind(variant_id)
    .bind(quantity)
    .bind(now)
    .scalar_one(db)
    .await
}

pub async fn set_quantity(
    db: impl Exec,
    cart_id: &str,
    item_id: &str,
    quantity: i64,
    now: i64,
) -> Result<(), db::Error> {
    sql(
        "cart.set_quantity",
        "UPDATE cart_items SET quantity = $3, updated_at = $4 WHERE cart_id = $1 AND id = $2",
    )
    .bind(cart_id)
    .bind(item_id)
    .bind(quantity)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn delete_item(db: impl Exec, cart_id: &str, item_id: &str) -> Result<bool, db::Error> {
    let done = sql("cart.delete_item", "DELETE FROM cart_items WHERE cart_id = $1 AND id = $2")
        .bind(cart_id)
        .bind(item_id)
        .execute(db)
        .await?;
    Ok(done == 1)
}

pub async fn count_lines(db: impl Exec, cart_id: &str) -> Result<i64, db::Error> {
    sql("cart.count_lines", "SELECT CAST(COUNT(*) AS BIGINT) FROM cart_items WHERE cart_id = $1")
        .bind(cart_id)
        .scalar_one(db)
        .await
}

/// Up to `limit` guest carts nobody has changed since `before`, that never became an order
/// (not even a failed one, which still names its cart).
pub async fn abandoned(db: impl Exec, before: i64, limit: i64) -> Result<Vec<String>, db::Error> {
    sql(
        "cart.abandoned",
        "SELECT c.id FROM carts c
         WHERE c.customer_id IS NULL AND c.order_id IS NULL AND c.updated_at < $1
           AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.cart_id = c.id)
         ORDER BY c.updated_at LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .scalar_all(db)
    .await
}

/// Deletes the cart and its lines if it is still abandoned (nothing changed it since `before`);
/// true when it did.
pub async fn delete_abandoned(mut tx: impl Exec, id: &str, before: i64) -> Result<bool, db::Error> {
    // Locks the cart, if it is still abandoned: a shopper adding a line at this moment waits,
    // then finds no cart (`touch` answers false) rather than a line without one.
    let still = "UPDATE carts SET updated_at = updated_at
         WHERE id = $1 AND customer_id IS NULL AND order_id IS NULL AND updated_at < $2";
    if sql("cart.lock_abandoned", still).bind(id).bind(before).execute(&mut tx).await? == 0 {
        return Ok(false);
    }
    sql("cart.delete_abandoned_lines", "DELETE FROM cart_items WHERE cart_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let done = sql(
        "cart.delete_abandoned_cart",
        "DELETE FROM carts WHERE id = $1 AND customer_id IS NULL AND order_id IS NULL AND updated_at < $2",
    )
    .bind(id)
    .bind(before)
    .execute(&mut tx)
    .await?;
    Ok(done == 1)
}
