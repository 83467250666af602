//! Who may read or change a cart, and reading it whole: the checks every cart change starts with.

use super::{
    model::{Cart, CartStatus},
    store::{self, CartRow},
};
use crate::{db::Tx, error::ApiError};

/// The same answer for "not yours" as for "no such cart".
pub(super) fn check_owner(row: &CartRow, caller: Option<&str>) -> Result<(), ApiError> {
    match &row.customer_id {
        Some(owner) if Some(owner.as_str()) != caller => Err(ApiError::not_found()),
        _ => Ok(()),
    }
}

/// The cart, if the caller may change it: theirs (or a guest cart) and still open. Marks it
/// changed first, which holds its row until the transaction ends: changes to one cart take
/// turns, and a cart swept away meanwhile is `404`, never a line without a cart.
pub(super) async fn open_cart(tx: &mut Tx, id: &str, caller: Option<&str>, now: i64) -> Result<(), ApiError> {
    if !store::touch(&mut *tx, id, now).await? {
        return Err(ApiError::not_found());
    }
    let row = store::cart_row(&mut *tx, id).await?.ok_or_else(ApiError::not_found)?;
    check_owner(&row, caller)?;
    // A cart being checked out (claimed by an order) is as closed as a completed one.
    if row.status == CartStatus::Completed.as_str() || row.order_id.is_some() {
        return Err(cart_completed(row.order_id.as_deref()));
    }
    Ok(())
}

pub(super) async fn load(tx: &mut Tx, id: &str, caller: Option<&str>) -> Result<Cart, ApiError> {
    let row = store::cart_row(&mut *tx, id).await?.ok_or_else(ApiError::not_found)?;
    check_owner(&row, caller)?;
    let lines = store::lines(&mut *tx, id).await?;
    Ok(row.into_cart(lines))
}

/// `409 cart_completed`, naming the order the cart became.
pub fn cart_completed(order_id: Option<&str>) -> ApiError {
    ApiError::conflict("cart_completed", "This cart was already checked out.")
        .with_extension("order_id", order_id.unwrap_or_default())
}
