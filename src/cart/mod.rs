//! Carts: what a shopper means to buy. A guest's cart is reached by its unguessable id alone;
//! a cart created by a signed-in customer belongs to them, and anyone else gets the same `404`
//! as for a cart that does not exist.
//!
//! A cart line holds a variant and a quantity, never a price: every read joins the variant's
//! current price (guarantee 5). Stock is checked when a line grows but is not held; checkout
//! claims it.

mod access;
mod codes;
pub mod discounts;
mod model;
pub mod routes;
mod shipping;
mod store;
pub mod totals;
pub mod views;

pub use codes::{MAX_CODES, Refused, add_promotion_code, remove_promotion_code};
pub use model::{Cart, CartAddress, CartLine, CartStatus};
pub use shipping::{check_address, choose_shipping_option, set_shipping_address};
pub use totals::{PricingSetup, Shipping, TaxStatus, Totals, eligible_options, price_cart};

pub use access::cart_completed;
use access::{check_owner, load, open_cart};

use crate::{
    db::{self, Db, Tx, is_check_violation, retry_transient},
    error::{ApiError, FieldError},
    ids, time,
};

pub const MAX_QUANTITY: i64 = 999;
/// The most lines (different variants) one cart holds: what a read, a checkout and a declined
/// checkout's bookkeeping cost stays bounded by it.
pub const MAX_LINES: i64 = 100;
/// Guest carts swept at most this many per round, so one round stays short.
const SWEEP_BATCH: i64 = 500;

/// Opens a cart, owned by `customer_id` when a customer is signed in.
pub async fn create_cart(db: &Db, customer_id: Option<&str>) -> Result<Cart, ApiError> {
    let now = time::now_ms();
    let id = &ids::new_unguessable_id("cart");
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        store::insert_cart(&mut tx, id, customer_id, now).await?;
        let cart = load(&mut tx, id, customer_id).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}

pub async fn get_cart(db: &Db, id: &str, caller: Option<&str>) -> Result<Cart, ApiError> {
    let mut conn = db.acquire().await?;
    let row = store::cart_row(&mut conn, id).await?.ok_or_else(ApiError::not_found)?;
    check_owner(&row, caller)?;
    let lines = store::lines(&mut conn, id).await?;
    Ok(row.into_cart(lines))
}

/// Adds `quantity` of a variant, merging with its line when there is one.
pub async fn add_item(
    db: &Db,
    cart_id: &str,
    caller: Option<&str>,
    variant_id: &str,
    quantity: i64,
) -> Result<Cart, ApiError> {
    check_quantity(quantity, 1)?;
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        let variant = store::variant_for_sale(&mut tx, variant_id)
            .await?
            .ok_or_else(|| ApiError::field("variant_id", "is not a variant of a product on sale"))?;
        let item_id = &ids::new_id("item");
        // The addition happens in SQL, so two adds racing on one line both count; the CHECK
        // on the column refuses a sum over the maximum.
        let total = match store::add_quantity(&mut tx, item_id, cart_id, variant_id, quantity, now).await {
            Err(e) if is_check_violation(&e) => MAX_QUANTITY + 1,
            other => other?,
        };
        if total > MAX_QUANTITY {
            return Err(ApiError::field("quantity", format!("a line holds at most {MAX_QUANTITY} units")));
        }
        if total > variant.available {
            return Err(out_of_stock(variant.available));
        }
        // A new line must fit; the cart's row is held (`open_cart`), so the count is exact.
        if total == quantity && store::count_lines(&mut tx, cart_id).await? > MAX_LINES {
            return Err(ApiError::conflict(
                "cart_full",
                format!("A cart holds at most {MAX_LINES} different variants. Remove a line to add another."),
            )
            .with_extension("max_lines", MAX_LINES));
        }
        let cart = load(&mut tx, cart_id, caller).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}

/// Sets a line's quantity; 0 removes the line.
pub async fn set_quantity(
    db: &Db,
    cart_id: &str,
    caller: Option<&str>,
    item_id: &str,
    quantity: i64,
) -> Result<Cart, ApiError> {
    check_quantity(quantity, 0)?;
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        let line = store::lines(&mut tx, cart_id)
            .await?
            .into_iter()
            .find(|l| l.id == item_id)
            .ok_or_else(ApiError::not_found)?;
        if quantity == 0 {
            store::delete_item(&mut tx, cart_id, item_id).await?;
        } else {
            if quantity > line.quantity && quantity > line.available {
                return Err(out_of_stock(line.available));
            }
            store::set_quantity(&mut tx, cart_id, item_id, quantity, now).await?;
        }
        let cart = load(&mut tx, cart_id, caller).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}

pub async fn remove_item(
    db: &Db,
    cart_id: &str,
    caller: Option<&str>,
    item_id: &str,
) -> Result<Cart, ApiError> {
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        if !store::delete_item(&mut tx, cart_id, item_id).await? {
            return Err(ApiError::not_found());
        }
        let cart = load(&mut tx, cart_id, caller).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}

fn check_quantity(quantity: i64, min: i64) -> Result<(), ApiError> {
    if (min..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(ApiError::field("quantity", format!("must be between {min} and {MAX_QUANTITY}")))
    }
}

fn out_of_stock(available: i64) -> ApiError {
    ApiError::conflict("out_of_stock", format!("Only {available} units are available."))
        .with_errors(vec![FieldError {
            field: "quantity".into(),
            message: format!("only {available} available"),
        }])
        .with_extension("available", available)
}

/// Checkout's claim on an open cart, inside its transaction: marks the cart as becoming
/// `order_id` unless another checkout got there first, keeps the `address` it is checked out
/// with, and returns it with its lines. The claim is one guarded `UPDATE`; only when it is
/// refused is the cart read again, to say why.
pub async fn claim_for_checkout(
    tx: &mut Tx,
    id: &str,
    caller: Option<&str>,
    order_id: &str,
    address: &CartAddress,
    now: i64,
) -> Result<Cart, ApiError> {
    let Some(row) = store::claim(&mut *tx, id, caller, order_id, address, now).await? else {
        let row = store::cart_row(&mut *tx, id).await?.ok_or_else(ApiError::not_found)?;
        check_owner(&row, caller)?;
        return Err(cart_completed(row.order_id.as_deref()));
    };
    let lines = store::lines(&mut *tx, id).await?;
    Ok(row.into_cart(lines))
}

/// The cart's lines as they stand now, inside the caller's transaction.
pub async fn current_lines(tx: &mut Tx, id: &str) -> Result<Vec<CartLine>, db::Error> {
    store::lines(&mut *tx, id).await
}

/// The order was paid: the cart is done.
pub async fn complete(tx: &mut Tx, id: &str, now: i64) -> Result<(), db::Error> {
    store::set_status(&mut *tx, id, CartStatus::Completed, now).await
}

/// The order's payment failed: the cart is the shopper's to change and retry again.
pub async fn reopen(tx: &mut Tx, id: &str, order_id: &str, now: i64) -> Result<(), db::Error> {
    store::release_claim(&mut *tx, id, order_id, now).await
}

/// Deletes guest carts nobody has changed since `before` and that never became an order, in
/// batches, each cart in its own short transaction. Returns how many went.
pub async fn sweep_abandoned(db: &Db, before: i64) -> Result<u64, ApiError> {
    let mut swept = 0;
    for id in store::abandoned(db, before, SWEEP_BATCH).await? {
        let id = &id;
        let deleted = retry_transient(|| async move {
            let mut tx = db.begin().await?;
            let deleted = store::delete_abandoned(&mut tx, id, before).await?;
            tx.commit().await?;
            Ok::<_, ApiError>(deleted)
        })
        .await?;
        swept += u64::from(deleted);
    }
    Ok(swept)
}
