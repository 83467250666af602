//! What a shipping option is, as the rules, the store and the views all see it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most tiers an option may have: enough for any carrier's table, and a bounded answer.
pub const MAX_TIERS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingOption {
    pub id: String,
    pub region_id: String,
    pub name: String,
    pub price: ShippingPrice,
    /// The items' subtotal from which shipping is free, if any.
    pub free_over: Option<FreeOver>,
    /// How the shipping charge is taxed, like a variant's class.
    pub tax_class: String,
    pub enabled: bool,
    /// Where shoppers see it among the region's options (lowest first).
    pub position: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What an option charges, in minor units of the region's currency, before any free-shipping
/// threshold. Amounts are as the region shows prices: with tax in a tax-inclusive region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingPrice {
    Flat(i64),
    /// By the subtotal of the items that need shipping.
    SubtotalTiers(Vec<Tier>),
    /// By the weight (grams) of the items that need shipping.
    WeightTiers(Vec<Tier>),
}

impl ShippingPrice {
    pub fn price_type(&self) -> PriceType {
        match self {
            Self::Flat(_) => PriceType::Flat,
            Self::SubtotalTiers(_) => PriceType::SubtotalTiers,
            Self::WeightTiers(_) => PriceType::WeightTiers,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceType {
    /// One amount whatever the cart.
    Flat,
    /// By the subtotal of the items that need shipping.
    SubtotalTiers,
    /// By the total weight of the items that need shipping.
    WeightTiers,
}

/// One step of a tiered price: carts whose measure is at most `up_to` (and above the previous
/// tier's) pay `amount`. The last tier may have no `up_to`: no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Inclusive upper bound: minor units for subtotal tiers, grams for weight tiers; null on
    /// the last tier for "and above".
    pub up_to: Option<i64>,
    /// Minor units.
    pub amount: i64,
}

/// Shipping is free once the items' subtotal reaches `amount`, measured as `basis` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeOver {
    pub amount: i64,
    pub basis: FreeOverBasis,
}

/// Which subtotal a free-shipping threshold is measured on: the issue that brings discounts
/// needs the answer to be in the option, not guessed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FreeOverBasis {
    /// The subtotal before any discount.
    BeforeDiscounts,
    /// The subtotal after discounts (the default: what the shopper actually pays for the items).
    #[default]
    AfterDiscounts,
}
