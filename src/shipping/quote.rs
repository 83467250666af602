//! What an option costs a cart, or why the cart cannot use it. Pure: the cart's reading and the
//! checkout both ask this, so a shopper is charged what they were shown.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{FreeOverBasis, ShippingOption, ShippingPrice, Tier};

/// What a cart's items that need shipping come to: their subtotal (as the region shows prices),
/// the discounts on them (0 until promotions exist) and their weight in grams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parcel {
    pub subtotal: i64,
    pub discount: i64,
    pub weight: i64,
}

impl Parcel {
    /// The subtotal the shopper pays for the items: after discounts, never below zero.
    fn paid(&self) -> i64 {
        (self.subtotal - self.discount).max(0)
    }
}

/// Why a cart cannot use an option. Shown on the cart next to a chosen option, and the code of
/// the checkout's refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    /// An admin disabled it.
    Disabled,
    /// The items' subtotal is above the last subtotal tier.
    SubtotalOverLimit,
    /// The items weigh more than the last weight tier allows.
    WeightOverLimit,
    /// It belongs to another region than the shipping address's.
    OtherRegion,
    /// It was deleted (or its region was).
    Deleted,
}

impl Unavailable {
    /// The reason as the API spells it (`weight_over_limit`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::SubtotalOverLimit => "subtotal_over_limit",
            Self::WeightOverLimit => "weight_over_limit",
            Self::OtherRegion => "other_region",
            Self::Deleted => "deleted",
        }
    }
}

/// The option's price for `parcel` in minor units, free-shipping threshold applied. Subtotal
/// tiers and an `after_discounts` threshold measure what the shopper pays for the items; a
/// cart beyond the last tier cannot use the option even when it would ship free, since the
/// tiers are the carrier's limits.
pub fn quote(option: &ShippingOption, parcel: &Parcel) -> Result<i64, Unavailable> {
    if !option.enabled {
        return Err(Unavailable::Disabled);
    }
    let price = match &option.price {
        ShippingPrice::Flat(amount) => *amount,
        ShippingPrice::SubtotalTiers(tiers) => {
            tier(tiers, parcel.paid()).ok_or(Unavailable::SubtotalOverLimit)?
        }
        ShippingPrice::WeightTiers(tiers) => {
            tier(tiers, parcel.weight).ok_or(Unavailable::WeightOverLimit)?
        }
    };
    let free = option.free_over.is_some_and(|free| {
        let measured = match free.basis {
            FreeOverBasis::BeforeDiscounts => parcel.subtotal,
            FreeOverBasis::AfterDiscounts => parcel.paid(),
        };
        measured >= free.amount
    });
    Ok(if free { 0 } else { price })
}

/// The amount of the first tier whose bound `value` is within; tiers ascend.
fn tier(tiers: &[Tier], value: i64) -> Option<i64> {
    tiers.iter().find(|t| t.up_to.is_none_or(|up_to| value <= up_to)).map(|t| t.amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipping::model::FreeOver;

    fn option(price: ShippingPrice, free_over: Option<FreeOver>) -> ShippingOption {
        ShippingOption {
            id: "ship_1".into(),
            region_id: "reg_1".into(),
            name: "Standard".into(),
            price,
            free_over,
            tax_class: "standard".into(),
            enabled: true,
            position: 0,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn parcel(subtotal: i64, discount: i64, weight: i64) -> Parcel {
        Parcel { subtotal, discount, weight }
    }

    fn tiers(steps: &[(Option<i64>, i64)]) -> Vec<Tier> {
        steps.iter().map(|&(up_to, amount)| Tier { up_to, amount }).collect()
    }

    #[test]
    fn weight_tiers_are_inclusive_and_the_last_one_is_the_carriers_limit() {
        let parcels =
            option(ShippingPrice::WeightTiers(tiers(&[(Some(2000), 490), (Some(30_000), 990)])), None);
        assert_eq!(quote(&parcels, &parcel(100, 0, 0)), Ok(490));
        assert_eq!(quote(&parcels, &parcel(100, 0, 2000)), Ok(490));
        assert_eq!(quote(&parcels, &parcel(100, 0, 2001)), Ok(990));
        assert_eq!(quote(&parcels, &parcel(100, 0, 30_000)), Ok(990));
        assert_eq!(quote(&parcels, &parcel(100, 0, 30_001)), Err(Unavailable::WeightOverLimit));
        let unlimited = option(ShippingPrice::WeightTiers(tiers(&[(Some(2000), 490), (None, 1490)])), None);
        assert_eq!(quote(&unlimited, &parcel(100, 0, 1_000_000)), Ok(1490));
    }

    #[test]
    fn a_threshold_is_reached_at_its_amount_not_one_unit_above() {
        let free_at_50 = option(
            ShippingPrice::Flat(590),
            Some(FreeOver { amount: 5000, basis: FreeOverBasis::AfterDiscounts }),
        );
        assert_eq!(quote(&free_at_50, &parcel(4999, 0, 0)), Ok(590));
        assert_eq!(quote(&free_at_50, &parcel(5000, 0, 0)), Ok(0));
    }

    /// Thresholds measured on an amount the shop did not mean: Craft Commerce #1800 and
    /// Merchello #2102 gave free shipping to carts a coupon had taken under it. Here the option
    /// says which, and a discount that takes the items under an after-discounts threshold
    /// brings the charge back, while a before-discounts threshold ignores it.
    #[test]
    fn the_threshold_is_measured_on_the_basis_the_option_names() {
        let after = option(
            ShippingPrice::Flat(590),
            Some(FreeOver { amount: 5000, basis: FreeOverBasis::AfterDiscounts }),
        );
        let before = option(
            ShippingPrice::Flat(590),
            Some(FreeOver { amount: 5000, basis: FreeOverBasis::BeforeDiscounts }),
        );
        let discounted = parcel(6000, 1500, 0);
        assert_eq!(quote(&after, &discounted), Ok(590));
        assert_eq!(quote(&before, &discounted), Ok(0));
        // A discount larger than the items never makes the measure negative.
        assert_eq!(quote(&after, &parcel(1000, 5000, 0)), Ok(590));
    }

    /// Medusa #7089: subtotal conditions counted the chosen shipping itself, so choosing the
    /// paid option lifted the cart over the free one's threshold and back, forever. A parcel
    /// holds the items alone; what an option costs cannot change which tier it is in.
    #[test]
    fn subtotal_tiers_price_what_the_shopper_pays_and_a_limit_beats_free_shipping() {
        let by_subtotal = option(
            ShippingPrice::SubtotalTiers(tiers(&[(Some(2500), 790), (Some(100_000), 390)])),
            Some(FreeOver { amount: 7500, basis: FreeOverBasis::AfterDiscounts }),
        );
        assert_eq!(quote(&by_subtotal, &parcel(3000, 600, 0)), Ok(790));
        assert_eq!(quote(&by_subtotal, &parcel(3000, 0, 0)), Ok(390));
        assert_eq!(quote(&by_subtotal, &parcel(80_000, 0, 0)), Ok(0));
        assert_eq!(quote(&by_subtotal, &parcel(100_001, 0, 0)), Err(Unavailable::SubtotalOverLimit));
    }

    #[test]
    fn a_disabled_option_has_no_price() {
        let mut flat = option(ShippingPrice::Flat(0), None);
        flat.enabled = false;
        assert_eq!(quote(&flat, &parcel(0, 0, 0)), Err(Unavailable::Disabled));
    }
}
