//! How a shipping option is shown to admins.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{FreeOverBasis, PriceType, ShippingOption, ShippingPrice, Tier};
use crate::{money::Money, time::rfc3339};

#[derive(Debug, Serialize, ToSchema)]
pub struct ShippingOptionView {
    #[schema(example = "ship_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub region_id: String,
    #[schema(example = "Standard")]
    pub name: String,
    pub price_type: PriceType,
    /// The price of a `flat` option (null for tiered ones), as the region shows prices: with
    /// its tax in a tax-inclusive region, without it otherwise.
    pub amount: Option<Money>,
    /// The tiers of a tiered option (null for a flat one), ascending.
    pub tiers: Option<Vec<TierView>>,
    /// Carts whose items come to at least this ship free; null when they never do.
    pub free_over: Option<Money>,
    /// What `free_over` is measured on; null without a threshold.
    pub free_over_basis: Option<FreeOverBasis>,
    #[schema(example = "standard")]
    pub tax_class: String,
    /// Disabled options are offered to no cart.
    pub enabled: bool,
    /// Shoppers see a region's options by `position`, then name.
    pub position: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TierView {
    /// Inclusive bound: minor units (subtotal tiers) or grams (weight tiers); null is "and above".
    pub up_to: Option<i64>,
    pub amount: Money,
}

impl ShippingOptionView {
    pub fn new(o: ShippingOption, currency: &str) -> Self {
        let tiers = |tiers: Vec<Tier>| {
            tiers
                .into_iter()
                .map(|t| TierView { up_to: t.up_to, amount: Money::new(t.amount, currency) })
                .collect()
        };
        let price_type = o.price.price_type();
        let (amount, tiers) = match o.price {
            ShippingPrice::Flat(amount) => (Some(Money::new(amount, currency)), None),
            ShippingPrice::SubtotalTiers(t) | ShippingPrice::WeightTiers(t) => (None, Some(tiers(t))),
        };
        Self {
            id: o.id,
            region_id: o.region_id,
            name: o.name,
            price_type,
            amount,
            tiers,
            free_over: o.free_over.map(|f| Money::new(f.amount, currency)),
            free_over_basis: o.free_over.map(|f| f.basis),
            tax_class: o.tax_class,
            enabled: o.enabled,
            position: o.position,
            created_at: rfc3339(o.created_at),
            updated_at: rfc3339(o.updated_at),
        }
    }
}
