//! What a region is, as the rules and the store both see it.

use crate::pricing::{Rounding, TaxMode, TaxRounding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: String,
    pub name: String,
    /// The store's currency (one for now); kept per region so one can have its own later.
    pub currency: String,
    pub territories: Vec<Territory>,
    pub tax_mode: TaxMode,
    pub tax_rounding: TaxRounding,
    pub rounding: Rounding,
    /// Which tax provider computes its tax: `table` (the rates below) for now.
    pub tax_provider: String,
    pub tax_rates: Vec<TaxRate>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A country, or one province of it (`None`: the whole country).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Territory {
    pub country: String,
    pub province: Option<String>,
}

/// A rate of a tax class in a region, for the whole region or one province of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRate {
    pub tax_class: String,
    pub province: Option<String>,
    pub name: String,
    pub rate_bps: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxClass {
    pub code: String,
    pub name: String,
}

/// The classes every store has (migration 0019).
pub const BUILT_IN_TAX_CLASSES: [&str; 4] = ["standard", "reduced", "zero", "exempt"];

/// The tax provider every region has until an external one is added behind the seam.
pub const TABLE_PROVIDER: &str = "table";
