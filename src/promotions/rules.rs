//! What admins send to create and change promotions, and the checks on it: every problem at
//! once, named by its field. Whether the products and categories exist is the caller's to check
//! (that needs the database).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Benefit, Class, Combines, Customers, Promotion, Target, Trigger};
use crate::{
    money::{MAX_AMOUNT, PriceInput},
    time,
    validate::{self, Validator},
};

/// Most products, and most categories, one promotion may name.
pub const MAX_TARGETS: usize = 100;
/// Most units of buy-x-get-y either side, and most redemptions a limit may name.
const MAX_GROUP: u32 = 100;
const MAX_LIMIT: i64 = 1_000_000_000;

/// How a promotion's benefit is described in requests and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BenefitType {
    Percentage,
    Fixed,
    FreeShipping,
    BuyXGetY,
}

impl BenefitType {
    pub fn of(benefit: Benefit) -> Self {
        match benefit {
            Benefit::Percentage { .. } => Self::Percentage,
            Benefit::Fixed { .. } => Self::Fixed,
            Benefit::FreeShipping => Self::FreeShipping,
            Benefit::BuyXGetY { .. } => Self::BuyXGetY,
        }
    }
}

/// A promotion as an admin describes it; on a change, `None` keeps a field, `Some(None)` clears
/// a nullable one, and a list replaces the whole list.
#[derive(Default)]
pub struct PromotionInput {
    pub name: Option<String>,
    pub class: Option<Class>,
    pub benefit_type: Option<BenefitType>,
    pub percentage_bps: Option<i64>,
    pub amount: Option<PriceInput>,
    pub buy_quantity: Option<i64>,
    pub get_quantity: Option<i64>,
    pub trigger: Option<Trigger>,
    pub product_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    pub min_subtotal: Option<Option<PriceInput>>,
    pub min_quantity: Option<Option<i64>>,
    pub customers: Option<Customers>,
    pub starts_at: Option<Option<String>>,
    pub ends_at: Option<Option<String>>,
    pub enabled: Option<bool>,
    pub combines_with: Option<Vec<Class>>,
    pub usage_limit: Option<Option<i64>>,
    pub per_customer_limit: Option<Option<i64>>,
}

/// `base` changed by `input`, checked whole. When `creating`, a name, a class, a type and a
/// trigger are required; afterwards the class, the type's kind and the trigger stay as made
/// (make another promotion instead: redemptions already made keep meaning what they meant).
pub fn apply(
    input: &PromotionInput,
    base: Promotion,
    creating: bool,
    currency: &str,
) -> Result<Promotion, crate::error::ApiError> {
    let mut v = Validator::new();
    let mut p = base;
    let required = |v: &mut Validator, field: &str| v.check::<()>(field, Err("is required".into()));
    let fixed_after_creation = |v: &mut Validator, field: &str| {
        v.check::<()>(field, Err("cannot be changed; make a new promotion instead".into()))
    };
    match &input.name {
        Some(name) => p.name = v.check("name", validate::text(name, 1, 100)).unwrap_or_default(),
        None if creating => required(&mut v, "name").unwrap_or_default(),
        None => {}
    }
    match (input.class, creating) {
        (Some(class), true) => p.class = class,
        (None, true) => required(&mut v, "class").unwrap_or_default(),
        (Some(class), false) if class != p.class => fixed_after_creation(&mut v, "class").unwrap_or_default(),
        _ => {}
    }
    match (input.trigger, creating) {
        (Some(trigger), true) => p.trigger = trigger,
        (None, true) => required(&mut v, "trigger").unwrap_or_default(),
        (Some(trigger), false) if trigger != p.trigger => {
            fixed_after_creation(&mut v, "trigger").unwrap_or_default()
        }
        _ => {}
    }
    let kind = match (input.benefit_type, creating) {
        (Some(kind), true) => Some(kind),
        (None, true) => required(&mut v, "type").map(|()| BenefitType::Percentage),
        (Some(kind), false) if kind != BenefitType::of(p.benefit) => {
            fixed_after_creation(&mut v, "type").map(|()| kind)
        }
        _ => Some(BenefitType::of(p.benefit)),
    };
    if let Some(kind) = kind
        && let Some(benefit) =
            benefit(&mut v, input, kind, p.class, (!creating).then_some(p.benefit), currency)
    {
        p.benefit = benefit;
    }
    if let Some(ids) = &input.product_ids {
        let products = targets(&mut v, "product_ids", ids).into_iter().map(Target::Product);
        let categories = p.targets.iter().filter(|t| matches!(t, Target::Category(_))).cloned();
        p.targets = products.chain(categories).collect();
    }
    if let Some(ids) = &input.category_ids {
        let categories = targets(&mut v, "category_ids", ids).into_iter().map(Target::Category);
        let products = p.targets.iter().filter(|t| matches!(t, Target::Product(_))).cloned();
        p.targets = products.chain(categories).collect();
    }
    if let Some(min) = &input.min_subtotal {
        p.min_subtotal = min.as_ref().and_then(|m| v.check("min_subtotal", m.amount_in(currency)));
    }
    if let Some(min) = input.min_quantity {
        p.min_quantity = min.and_then(|m| v.check("min_quantity", within(m, 0, 10_000)));
    }
    p.customers = input.customers.unwrap_or(p.customers);
    if let Some(at) = &input.starts_at {
        p.starts_at = at.as_deref().and_then(|t| v.check("starts_at", time::parse_rfc3339(t)));
    }
    if let Some(at) = &input.ends_at {
        p.ends_at = at.as_deref().and_then(|t| v.check("ends_at", time::parse_rfc3339(t)));
    }
    if let (Some(starts), Some(ends)) = (p.starts_at, p.ends_at)
        && ends <= starts
    {
        v.check::<()>("ends_at", Err("must be after `starts_at`".into()));
    }
    p.enabled = input.enabled.unwrap_or(p.enabled);
    if let Some(classes) = &input.combines_with {
        p.combines = Combines {
            product: classes.contains(&Class::Product),
            order: classes.contains(&Class::Order),
            shipping: classes.contains(&Class::Shipping),
        };
    }
    if let Some(limit) = input.usage_limit {
        p.usage_limit = limit.and_then(|l| v.check("usage_limit", within(l, 1, MAX_LIMIT)));
    }
    if let Some(limit) = input.per_customer_limit {
        p.per_customer_limit = limit.and_then(|l| v.check("per_customer_limit", within(l, 1, MAX_LIMIT)));
    }
    v.finish()?;
    Ok(p)
}

fn within(value: i64, min: i64, max: i64) -> Result<i64, String> {
    if (min..=max).contains(&value) { Ok(value) } else { Err(format!("must be between {min} and {max}")) }
}

/// The ids, without repeats: at most [`MAX_TARGETS`], each a plausible id.
fn targets(v: &mut Validator, field: &str, ids: &[String]) -> Vec<String> {
    if v.check(field, validate::at_most(ids, MAX_TARGETS)).is_none() {
        return Vec::new();
    }
    let mut kept: Vec<String> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = v.check(&format!("{field}[{i}]"), validate::text(id, 1, 64))
            && !kept.contains(&id)
        {
            kept.push(id);
        }
    }
    kept
}

/// The benefit of `kind` for a promotion of `class`: its own fields required (or kept from
/// `current` on a change), the other kinds' refused.
fn benefit(
    v: &mut Validator,
    input: &PromotionInput,
    kind: BenefitType,
    class: Class,
    current: Option<Benefit>,
    currency: &str,
) -> Option<Benefit> {
    let refuse = |v: &mut Validator, field: &str, present: bool, why: &str| {
        if present {
            v.check::<()>(field, Err(why.into()));
        }
    };
    let for_kind = |field: &str| format!("is only for a `{field}` promotion");
    refuse(v, "amount", input.amount.is_some() && kind != BenefitType::Fixed, &for_kind("fixed"));
    let with_bps = matches!(kind, BenefitType::Percentage | BenefitType::BuyXGetY);
    refuse(
        v,
        "percentage_bps",
        input.percentage_bps.is_some() && !with_bps,
        "is only for a `percentage` or `buy_x_get_y` promotion",
    );
    let bxgy = kind == BenefitType::BuyXGetY;
    refuse(v, "buy_quantity", input.buy_quantity.is_some() && !bxgy, &for_kind("buy_x_get_y"));
    refuse(v, "get_quantity", input.get_quantity.is_some() && !bxgy, &for_kind("buy_x_get_y"));
    match (kind, class) {
        (BenefitType::FreeShipping, Class::Product | Class::Order) => {
            v.check::<()>("type", Err("`free_shipping` is for a `shipping` promotion".into()));
            return None;
        }
        (BenefitType::BuyXGetY, Class::Order | Class::Shipping) => {
            v.check::<()>("type", Err("`buy_x_get_y` is for a `product` promotion".into()));
            return None;
        }
        _ => {}
    }
    let current_bps = match current {
        Some(Benefit::Percentage { bps } | Benefit::BuyXGetY { bps, .. }) => Some(i64::from(bps)),
        _ => None,
    };
    let bps = |v: &mut Validator, default: Option<i64>| match input.percentage_bps.or(current_bps).or(default)
    {
        Some(bps) => v.check("percentage_bps", within(bps, 1, 10_000)).map(|b| b as u32),
        None => v.check("percentage_bps", Err("is required: 1–10000 (10000 = 100%)".into())),
    };
    match kind {
        BenefitType::Percentage => bps(v, None).map(|bps| Benefit::Percentage { bps }),
        BenefitType::Fixed => {
            let current = match current {
                Some(Benefit::Fixed { amount }) => Some(amount),
                _ => None,
            };
            let amount = match &input.amount {
                Some(price) => {
                    v.check("amount", price.amount_in(currency).and_then(|a| within(a, 1, MAX_AMOUNT)))
                }
                None => current.or_else(|| v.check("amount", Err("is required".into()))),
            };
            amount.map(|amount| Benefit::Fixed { amount })
        }
        BenefitType::FreeShipping => Some(Benefit::FreeShipping),
        BenefitType::BuyXGetY => {
            let (buy_now, get_now) = match current {
                Some(Benefit::BuyXGetY { buy, get, .. }) => (Some(i64::from(buy)), Some(i64::from(get))),
                _ => (None, None),
            };
            let quantity =
                |v: &mut Validator, field: &str, sent: Option<i64>, now: Option<i64>| match sent.or(now) {
                    Some(q) => v.check(field, within(q, 1, i64::from(MAX_GROUP))).map(|q| q as u32),
                    None => v.check(field, Err("is required".into())),
                };
            let buy = quantity(v, "buy_quantity", input.buy_quantity, buy_now);
            let get = quantity(v, "get_quantity", input.get_quantity, get_now);
            let bps = bps(v, Some(10_000));
            Some(Benefit::BuyXGetY { buy: buy?, get: get?, bps: bps? })
        }
    }
}

/// A code as shoppers may type it: trimmed and upper-cased; 3–32 letters, digits, `-` or `_`.
pub fn normalise_code(code: &str) -> Result<String, String> {
    let code = code.trim().to_uppercase();
    let ok = (3..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(code) } else { Err("must be 3–32 letters, digits, `-` or `_`".into()) }
}

/// The start of generated codes: up to 16 letters, digits, `-` or `_`, upper-cased.
pub fn normalise_prefix(prefix: &str) -> Result<String, String> {
    let prefix = prefix.trim().to_uppercase();
    let ok = prefix.len() <= 16
        && prefix.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(prefix) } else { Err("must be at most 16 letters, digits, `-` or `_`".into()) }
}

/// The letters and digits of generated codes: none that read alike (0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A single-use code: `prefix` and 10 random characters (31^10, about 8 × 10^14, so guessing one
/// is hopeless within any rate limit).
pub fn generate_code(prefix: &str) -> String {
    let random = crate::ids::random_bytes::<10>();
    let tail: String =
        random.iter().map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])).collect();
    format!("{prefix}{tail}")
}
