//! How tax lines are shown, on carts and orders alike.

use serde::Serialize;
use utoipa::ToSchema;

use super::tax::TaxLine;
use crate::money::Money;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaxLineView {
    /// As the shopper sees it: `VAT`, `CA state tax`.
    #[schema(example = "VAT")]
    pub name: String,
    /// Basis points: 1900 is 19.00%.
    #[schema(example = 1900)]
    pub rate_bps: u32,
    pub amount: Money,
}

impl TaxLineView {
    pub fn all(lines: &[TaxLine], currency: &str) -> Vec<Self> {
        lines
            .iter()
            .map(|l| Self {
                name: l.name.clone(),
                rate_bps: l.rate_bps,
                amount: Money::new(l.amount, currency),
            })
            .collect()
    }
}
