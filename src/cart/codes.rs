//! Promotion codes on a cart: the shopper adds and removes them; whether each applies is
//! worked out on every read (`discounts.rs`). A code is kept only if it applies when added, so
//! the shopper learns at once why one does not.

use super::{
    access::{load, open_cart},
    discounts::CodeProblem,
    model::Cart,
    store,
    totals::{PricingSetup, price_cart},
};
use crate::{
    db::{Db, retry_transient},
    error::ApiError,
    promotions::{self, Buyer},
    time,
};

/// The most codes one cart holds.
pub const MAX_CODES: usize = 5;

/// Why adding a code failed: a `422` to answer, and whether the code was no promotion's (what a
/// guesser would learn, so the caller counts it against a rate limit).
pub struct Refused {
    pub error: ApiError,
    pub unknown: bool,
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Self {
        Self { error, unknown: false }
    }
}

/// Adds `code` to the cart if it applies to it now; otherwise changes nothing and answers
/// `422 promotion_not_applicable` with the reason.
pub async fn add_promotion_code(
    db: &Db,
    setup: PricingSetup<'_>,
    cart_id: &str,
    caller: Option<&str>,
    code: &str,
) -> Result<Cart, Refused> {
    let code = &promotions::normalise_code(code).map_err(|m| ApiError::field("code", m))?;
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        let mut cart = load(&mut tx, cart_id, caller).await?;
        if cart.promotion_codes.contains(code) {
            return Ok(Ok(cart));
        }
        if cart.promotion_codes.len() >= MAX_CODES {
            return Err(ApiError::field("code", format!("a cart holds at most {MAX_CODES} codes")));
        }
        cart.promotion_codes.push(code.clone());
        let buyer = Buyer { customer_id: cart.customer_id.as_deref().or(caller), email: None };
        let totals = price_cart(&mut tx, setup, &cart, buyer).await?;
        let status = totals.discounts.codes.iter().find(|c| &c.code == code);
        if let Some(problem) = status.and_then(|s| s.problem) {
            // Dropping the transaction keeps the cart as it was.
            let promotion = status.and_then(|s| s.promotion_id.as_deref()).unwrap_or_default();
            return Ok(Err(match problem {
                CodeProblem::Unknown => Refused { error: promotions::unknown_code(), unknown: true },
                CodeProblem::Refused(reason) => {
                    Refused::from(promotions::not_applicable(Some(code), promotion, reason))
                }
            }));
        }
        store::set_promotion_codes(&mut tx, cart_id, &cart.promotion_codes).await?;
        tx.commit().await?;
        Ok(Ok(cart))
    })
    .await?
}

/// Takes `code` off the cart (`404` if it is not on it).
pub async fn remove_promotion_code(
    db: &Db,
    cart_id: &str,
    caller: Option<&str>,
    code: &str,
) -> Result<Cart, ApiError> {
    let code = &code.trim().to_uppercase();
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        let mut cart = load(&mut tx, cart_id, caller).await?;
        let before = cart.promotion_codes.len();
        cart.promotion_codes.retain(|c| c != code);
        if cart.promotion_codes.len() == before {
            return Err(ApiError::not_found());
        }
        store::set_promotion_codes(&mut tx, cart_id, &cart.promotion_codes).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}
