//! What admins send to create and change shipping options, and the checks on it: every
//! problem at once, named by its path (`tiers[1].up_to`).

use super::model::{FreeOver, FreeOverBasis, MAX_TIERS, PriceType, ShippingOption, ShippingPrice, Tier};
use crate::{
    money::{MAX_AMOUNT, PriceInput},
    regions,
    validate::{self, Validator},
};

/// An option as an admin describes it; on a change, `None` keeps a field.
#[derive(Default)]
pub struct OptionInput {
    pub name: Option<String>,
    pub price_type: Option<PriceType>,
    pub amount: Option<PriceInput>,
    pub tiers: Option<Vec<TierInput>>,
    /// `Some(None)` removes the threshold.
    pub free_over: Option<Option<PriceInput>>,
    pub free_over_basis: Option<FreeOverBasis>,
    pub tax_class: Option<String>,
    pub enabled: Option<bool>,
    pub position: Option<i64>,
}

pub struct TierInput {
    pub up_to: Option<i64>,
    pub amount: PriceInput,
}

/// `base` changed by `input`, checked whole: a price type needs its amount or its tiers, and
/// only those. When `creating`, `base` holds only the ids and times, and a name and a price are
/// required. Money sent as objects must be in `currency`. Whether the tax class exists is the
/// caller's to check (that needs the database).
pub fn apply(
    input: &OptionInput,
    base: ShippingOption,
    creating: bool,
    currency: &str,
) -> Result<ShippingOption, crate::error::ApiError> {
    let mut v = Validator::new();
    let mut option = base;
    match &input.name {
        Some(name) => option.name = v.check("name", validate::text(name, 1, 100)).unwrap_or_default(),
        None if creating => v.check::<()>("name", Err("is required".into())).unwrap_or_default(),
        None => {}
    }
    let current = (!creating).then_some(&option.price);
    if let Some(price) = price(&mut v, input, current, currency) {
        option.price = price;
    }
    if let Some(free_over) = &input.free_over {
        let amount = free_over.as_ref().and_then(|p| v.check("free_over", p.amount_in(currency)));
        let basis = option.free_over.map(|f| f.basis).unwrap_or_default();
        option.free_over = amount.map(|amount| FreeOver { amount, basis });
    }
    if let Some(basis) = input.free_over_basis {
        match &mut option.free_over {
            Some(free) => free.basis = basis,
            None => {
                v.check::<()>("free_over_basis", Err("needs a `free_over` amount".into())).unwrap_or_default()
            }
        }
    }
    if let Some(code) = &input.tax_class {
        option.tax_class = v.check("tax_class", regions::tax_class_code(code)).unwrap_or_default();
    }
    option.enabled = input.enabled.unwrap_or(option.enabled);
    if let Some(position) = input.position {
        let checked = if (0..=1_000_000).contains(&position) {
            Ok(position)
        } else {
            Err("must be between 0 and 1000000".to_owned())
        };
        option.position = v.check("position", checked).unwrap_or_default();
    }
    v.finish()?;
    Ok(option)
}

/// The whole price after `input`: what it sends, completed by `current` where that is of the
/// same type; `None` when something is missing or wrong (recorded in `v`).
fn price(
    v: &mut Validator,
    input: &OptionInput,
    current: Option<&ShippingPrice>,
    currency: &str,
) -> Option<ShippingPrice> {
    let Some(price_type) = input.price_type.or(current.map(ShippingPrice::price_type)) else {
        return v.check("price_type", Err("is required".into()));
    };
    let current = current.filter(|c| c.price_type() == price_type);
    if price_type == PriceType::Flat {
        let flat = match (&input.amount, current) {
            (Some(amount), _) => v.check("amount", amount.amount_in(currency)).map(ShippingPrice::Flat),
            (None, Some(kept)) => Some(kept.clone()),
            (None, None) => v.check("amount", Err("is required for a flat price".into())),
        };
        if input.tiers.is_some() {
            v.check::<()>("tiers", Err("is only for tiered prices; a flat price has an `amount`".into()));
        }
        return flat;
    }
    if input.amount.is_some() {
        v.check::<()>("amount", Err("is only for a flat price; a tiered price has `tiers`".into()));
    }
    // Tiers of the other kind measure something else (money, not grams): never carried over.
    match (&input.tiers, current) {
        (Some(tiers), _) => tiers_of(v, tiers, currency).map(|tiers| match price_type {
            PriceType::WeightTiers => ShippingPrice::WeightTiers(tiers),
            _ => ShippingPrice::SubtotalTiers(tiers),
        }),
        (None, Some(kept)) => Some(kept.clone()),
        (None, None) => v.check("tiers", Err("are required for a tiered price".into())),
    }
}

/// 1–20 tiers with ascending bounds; only the last may be unbounded.
fn tiers_of(v: &mut Validator, tiers: &[TierInput], currency: &str) -> Option<Vec<Tier>> {
    if tiers.is_empty() || tiers.len() > MAX_TIERS {
        return v.check("tiers", Err(format!("must have 1 to {MAX_TIERS} tiers")));
    }
    let mut checked = Vec::new();
    let mut previous: Option<i64> = None;
    let mut ok = true;
    for (i, tier) in tiers.iter().enumerate() {
        let amount = v.check(&format!("tiers[{i}].amount"), tier.amount.amount_in(currency));
        let up_to = match tier.up_to {
            None if i + 1 < tiers.len() => Err("may be left out (no limit) on the last tier only".to_owned()),
            Some(up_to) if !(0..=MAX_AMOUNT).contains(&up_to) => {
                Err(format!("must be between 0 and {MAX_AMOUNT}"))
            }
            Some(up_to) if previous.is_some_and(|p| up_to <= p) => {
                Err("must be above the previous tier's `up_to`".to_owned())
            }
            up_to => Ok(up_to),
        };
        let up_to = v.check(&format!("tiers[{i}].up_to"), up_to);
        previous = up_to.flatten().or(previous);
        match (up_to, amount) {
            (Some(up_to), Some(amount)) => checked.push(Tier { up_to, amount }),
            _ => ok = false,
        }
    }
    ok.then_some(checked)
}
