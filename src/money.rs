//! Money as the API shows it: integer minor units and the store's lower-case ISO 4217 code.

use serde::Serialize;
use utoipa::ToSchema;

/// The largest price a variant may have, in minor units (99,999,999.99 in a two-decimal currency).
pub const MAX_AMOUNT: i64 = 9_999_999_999;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Money {
    /// Minor units (cents for `usd`). Never a float.
    #[schema(example = 1999)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
}

impl Money {
    pub fn new(amount: i64, currency: &str) -> Self {
        Self { amount, currency: currency.to_owned() }
    }
}

/// A price for a request body: whole minor units within `0..=MAX_AMOUNT`.
pub fn parse_amount(amount: i64) -> Result<i64, String> {
    if (0..=MAX_AMOUNT).contains(&amount) {
        Ok(amount)
    } else {
        Err(format!("must be between 0 and {MAX_AMOUNT} minor units"))
    }
}
