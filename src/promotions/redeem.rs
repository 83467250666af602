//! Redemptions, guarded like stock: checkout *holds* one per applied promotion in the
//! transaction that claims the cart and reserves its units; the payment turns it *used*, or a
//! failed payment (or the reconciler, for a hold that expired) *releases* it. Each limit (the
//! promotion's, a single-use code's, the customer's) is counted by guarded updates (the
//! promotion's over several slot rows, `slot_store`), so no race across any number of processes
//! redeems past it.

use super::{model::Refusal, redemption_store, slot_store};
use crate::{db::Tx, error::ApiError, ids};

/// A promotion an order is about to use.
pub struct Redemption<'a> {
    pub promotion_id: &'a str,
    pub code: Option<&'a str>,
    /// Whether the code has a limit of its own (a single-use code): only then is its row
    /// counted. A shared code is counted by its promotion.
    pub code_limited: bool,
    /// What it takes off the order.
    pub amount: i64,
    /// The promotion's limit per customer: only then is the customer's row counted.
    pub per_customer_limit: Option<i64>,
}

/// What an order holds, as the checkout that held it knows: the payment then settles it without
/// reading it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// No redemption: the order uses no promotion.
    Nothing,
    /// Redemptions that only their promotions' slots count (no limit of their code's or per
    /// customer), which a payment leaves alone.
    SlotsOnly,
    /// Not known, or some redemption another counter counts too: each is read and settled.
    Unknown,
}

/// Holds every redemption of `order_id` for `customer_key`, or none: the first limit found used
/// up refuses the checkout (`422 promotion_not_applicable`, reason `usage_limit_reached`) and
/// the caller's rollback undoes the holds before it. Returns what was held.
pub async fn hold(
    tx: &mut Tx,
    order_id: &str,
    customer_key: &str,
    redemptions: &[Redemption<'_>],
    now: i64,
) -> Result<Held, ApiError> {
    // In promotion-id order, the one order every checkout locks promotion rows in.
    let mut in_order: Vec<&Redemption> = redemptions.iter().collect();
    in_order.sort_by(|a, b| a.promotion_id.cmp(b.promotion_id));
    for r in in_order {
        // The customer's row, then the code's, then a slot of the promotion's (what every buyer
        // of a popular code takes from) last, so it stays locked for as short a time as can be.
        let held = match r.per_customer_limit {
            Some(limit) => {
                redemption_store::hold_for_customer(&mut *tx, r.promotion_id, customer_key, limit).await?
            }
            None => true,
        } && match r.code.filter(|_| r.code_limited) {
            Some(code) => redemption_store::hold_code(&mut *tx, code).await?,
            None => true,
        } && slot_store::take(&mut *tx, r.promotion_id).await?;
        if !held {
            return Err(not_applicable(r.code, r.promotion_id, Refusal::UsageLimitReached));
        }
        let id = ids::new_id("red");
        let row = redemption_store::NewRedemption {
            id: &id,
            promotion_id: r.promotion_id,
            code: r.code,
            order_id,
            customer_key,
            per_customer: r.per_customer_limit.is_some(),
            amount: r.amount,
            now,
        };
        redemption_store::insert(&mut *tx, &row).await?;
    }
    Ok(if redemptions.is_empty() {
        Held::Nothing
    } else if redemptions.iter().all(|r| r.per_customer_limit.is_none() && !r.code_limited) {
        Held::SlotsOnly
    } else {
        Held::Unknown
    })
}

/// Settles what `order_id` holds (`held`, as far as the caller knows): `used` when it was
/// paid, released otherwise; nothing if settled already. A payment of an order known to hold
/// nothing, or only what slots count, costs no read.
pub async fn settle(tx: &mut Tx, order_id: &str, paid: bool, held: Held, now: i64) -> Result<(), ApiError> {
    match (paid, held) {
        (true, Held::Nothing) => return Ok(()),
        (true, Held::SlotsOnly) => return Ok(redemption_store::use_held(&mut *tx, order_id, now).await?),
        _ => {}
    }
    for held in redemption_store::held_by_order(&mut *tx, order_id).await? {
        redemption_store::settle(&mut *tx, order_id, &held, paid, now).await?;
    }
    Ok(())
}

/// The `422` for a promotion that cannot apply, with its reason and what it was asked by.
pub fn not_applicable(code: Option<&str>, promotion_id: &str, reason: Refusal) -> ApiError {
    let detail = match reason {
        Refusal::UsageLimitReached => "This promotion has been used as many times as it may be.",
        Refusal::Expired => "This promotion has ended.",
        Refusal::NotStarted => "This promotion has not started yet.",
        Refusal::MinimumNotMet => "The cart does not meet this promotion's minimum yet.",
        Refusal::NotCombinable => "This promotion cannot be used with a better one the cart already has.",
        Refusal::NotEligible => "This promotion does not apply to this cart or customer.",
    };
    let mut error = ApiError::unprocessable("promotion_not_applicable", detail)
        .with_extension("reason", reason.code())
        .with_extension("promotion_id", promotion_id);
    if let Some(code) = code {
        error = error.with_extension("promotion_code", code);
    }
    error
}

/// The `422` for a code that is no promotion's. It says nothing more, and failed attempts are
/// rate-limited by the caller, so codes cannot be enumerated.
pub fn unknown_code() -> ApiError {
    ApiError::unprocessable("promotion_not_applicable", "This code is not valid.")
        .with_extension("reason", "unknown_code")
}
