//! Which promotions a cart gets and what each takes off each line and the shipping. Pure: the
//! caller gathers the cart, the customer and the promotions (with whether their limits are
//! reached); the answer is the same for the same input, and property tests guard it.
//!
//! 1. **Conditions**, each promotion on its own against the cart as it is: enabled, within its
//!    window, limit not reached, the customer it is for, something qualifying, its minimums.
//! 2. **Choice.** The eligible ones are taken in order of what each alone would save (more
//!    first; then codes before automatic ones, then the order given), each kept if it combines
//!    with every one kept before it. So without combination the best offer wins, in every class.
//! 3. **Application**, in one order: product discounts, then order discounts (spread over the
//!    lines by largest remainder, in proportion to what the lines still cost, so the lines add up
//!    to the header exactly), then shipping discounts. A minimum subtotal is measured again at
//!    its step, on what the earlier steps left. Every discount is at most what is left of its
//!    base, so nothing goes negative. Tax is then computed on the discounted amounts (`pricing`).
//!
//! A percentage is rounded half-up once per line (product), per subtotal (order) or per shipping
//! charge.

use super::model::{Benefit, Class, Customers, Promotion, Refusal, Target, Trigger};
use crate::pricing::{BPS, Rounding, allocate};

/// A cart line as promotions see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub product_id: String,
    /// The categories the product is in, each with every category above it.
    pub categories: Vec<String>,
    pub unit_price: i64,
    pub quantity: i64,
}

impl Line {
    fn amount(&self) -> i64 {
        self.unit_price.saturating_mul(self.quantity)
    }

    fn matches(&self, target: &Target) -> bool {
        match target {
            Target::Product(id) => &self.product_id == id,
            Target::Category(id) => self.categories.contains(id),
        }
    }
}

pub struct Basket<'a> {
    pub lines: &'a [Line],
    /// The shipping charge before discounts; `None` until there is one.
    pub shipping: Option<i64>,
    pub signed_in: bool,
    /// Whether the customer (or the guest's email) has had a paid order.
    pub has_ordered: bool,
    pub now: i64,
}

/// A promotion offered to the cart: automatic, or by a code the shopper entered.
pub struct Offer<'a> {
    pub promotion: &'a Promotion,
    pub code: Option<&'a str>,
    /// Its usage limit (in all, for this customer, or the code's own) is used up.
    pub limit_reached: bool,
}

/// One promotion that applied: what it took off each line (in the basket's order) and the
/// shipping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Its index among the offers.
    pub offer: usize,
    pub lines: Vec<i64>,
    pub shipping: i64,
}

impl Applied {
    pub fn total(&self) -> i64 {
        self.lines.iter().sum::<i64>() + self.shipping
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// In the order applied.
    pub applied: Vec<Applied>,
    /// Every offer that did not apply, by index, with why.
    pub refused: Vec<(usize, Refusal)>,
    /// Each line's discount, the sum of the applied ones'.
    pub line_discounts: Vec<i64>,
    pub shipping_discount: i64,
}

/// What is left to discount while the promotions are applied.
#[derive(Clone)]
struct Left {
    lines: Vec<i64>,
    shipping: i64,
}

pub fn evaluate(basket: &Basket<'_>, offers: &[Offer<'_>]) -> Outcome {
    let full = Left {
        lines: basket.lines.iter().map(Line::amount).collect(),
        shipping: basket.shipping.unwrap_or(0),
    };
    let mut refused = Vec::new();
    let mut eligible: Vec<(usize, i64)> = Vec::new();
    for (i, offer) in offers.iter().enumerate() {
        match check(basket, offer) {
            Err(refusal) => refused.push((i, refusal)),
            Ok(()) => match apply(basket, offer.promotion, &mut full.clone(), i) {
                Some(alone) => eligible.push((i, alone.total())),
                None => refused.push((i, Refusal::MinimumNotMet)),
            },
        }
    }
    eligible.sort_by(|(a, saves_a), (b, saves_b)| {
        let automatic = |i: &usize| offers[*i].promotion.trigger == Trigger::Automatic;
        saves_b.cmp(saves_a).then(automatic(a).cmp(&automatic(b))).then(a.cmp(b))
    });
    let mut kept: Vec<usize> = Vec::new();
    for (i, _) in eligible {
        let p = offers[i].promotion;
        let fits = kept.iter().all(|&k| {
            let q = offers[k].promotion;
            p.combines.with(q.class) && q.combines.with(p.class)
        });
        if fits {
            kept.push(i);
        } else {
            refused.push((i, Refusal::NotCombinable));
        }
    }
    // Stable: within a class, the one that saves more goes first.
    kept.sort_by_key(|&i| offers[i].promotion.class);
    let mut left = full.clone();
    let mut applied = Vec::new();
    for i in kept {
        match apply(basket, offers[i].promotion, &mut left, i) {
            Some(done) => applied.push(done),
            None => refused.push((i, Refusal::MinimumNotMet)),
        }
    }
    refused.sort_by_key(|(i, _)| *i);
    let line_discounts = full.lines.iter().zip(&left.lines).map(|(was, is)| was - is).collect();
    Outcome { applied, refused, line_discounts, shipping_discount: full.shipping - left.shipping }
}

/// The conditions that do not depend on other promotions.
fn check(basket: &Basket<'_>, offer: &Offer<'_>) -> Result<(), Refusal> {
    let p = offer.promotion;
    let customer_ok = match p.customers {
        Customers::Anyone => true,
        Customers::SignedIn => basket.signed_in,
        Customers::New => !basket.has_ordered,
    };
    if !p.enabled || !customer_ok {
        return Err(Refusal::NotEligible);
    }
    if p.starts_at.is_some_and(|at| basket.now < at) {
        return Err(Refusal::NotStarted);
    }
    if p.ends_at.is_some_and(|at| basket.now >= at) {
        return Err(Refusal::Expired);
    }
    if offer.limit_reached {
        return Err(Refusal::UsageLimitReached);
    }
    let qualifying = qualifying(basket, p);
    if !qualifying.iter().any(|&q| q) {
        return Err(Refusal::NotEligible);
    }
    let units: i64 = basket.lines.iter().zip(&qualifying).filter(|(_, q)| **q).map(|(l, _)| l.quantity).sum();
    if p.min_quantity.is_some_and(|min| units < min) {
        return Err(Refusal::MinimumNotMet);
    }
    if let Benefit::BuyXGetY { buy, get, .. } = p.benefit
        && units < i64::from(buy) + i64::from(get)
    {
        return Err(Refusal::MinimumNotMet);
    }
    Ok(())
}

/// Which lines qualify: those a target matches, or all of them without targets.
fn qualifying(basket: &Basket<'_>, p: &Promotion) -> Vec<bool> {
    basket.lines.iter().map(|l| p.targets.is_empty() || p.targets.iter().any(|t| l.matches(t))).collect()
}

fn percent(amount: i64, bps: u32) -> i64 {
    let exact = i128::from(amount.max(0)) * i128::from(bps.min(10_000));
    // At most `amount`: the rate is at most 100%.
    Rounding::HalfUp.round(exact, BPS) as i64
}

/// Applies `p` to what is `left`, or `None` if its minimum subtotal is not met at its step.
fn apply(basket: &Basket<'_>, p: &Promotion, left: &mut Left, offer: usize) -> Option<Applied> {
    let qualifying = qualifying(basket, p);
    let base: i64 = left.lines.iter().zip(&qualifying).filter(|(_, q)| **q).map(|(l, _)| l).sum();
    if p.min_subtotal.is_some_and(|min| base < min) {
        return None;
    }
    let mut lines = vec![0; left.lines.len()];
    let mut shipping = 0;
    match (p.class, p.benefit) {
        (Class::Product, Benefit::Percentage { bps }) => {
            for (i, line) in lines.iter_mut().enumerate().filter(|(i, _)| qualifying[*i]) {
                *line = percent(left.lines[i], bps);
            }
        }
        (Class::Product, Benefit::Fixed { amount }) => {
            for (i, line) in lines.iter_mut().enumerate().filter(|(i, _)| qualifying[*i]) {
                *line = amount.saturating_mul(basket.lines[i].quantity).min(left.lines[i]);
            }
        }
        (Class::Product, Benefit::BuyXGetY { buy, get, bps }) => {
            lines = cheapest_units_off(basket, &qualifying, left, buy, get, bps);
        }
        (Class::Order, Benefit::Percentage { bps }) => lines = spread(percent(base, bps), left),
        (Class::Order, Benefit::Fixed { amount }) => lines = spread(amount.min(base), left),
        (Class::Shipping, Benefit::Percentage { bps }) => shipping = percent(left.shipping, bps),
        (Class::Shipping, Benefit::Fixed { amount }) => shipping = amount.min(left.shipping),
        (Class::Shipping, Benefit::FreeShipping) => shipping = left.shipping,
        // Refused when the promotion is made; nothing off if one is stored anyway.
        _ => {}
    }
    for (l, d) in left.lines.iter_mut().zip(lines.iter_mut()) {
        *d = (*d).min(*l).max(0);
        *l -= *d;
    }
    shipping = shipping.min(left.shipping).max(0);
    left.shipping -= shipping;
    Some(Applied { offer, lines, shipping })
}

/// An order discount over every line, in proportion to what each still costs.
fn spread(total: i64, left: &Left) -> Vec<i64> {
    let total = total.clamp(0, left.lines.iter().sum());
    allocate(total, &left.lines)
}

/// Buy X get Y: the qualifying units, dearest first, are grouped by `buy + get`; in each whole
/// group the `get` cheapest are `bps` off. So the shopper always gets the cheapest units.
fn cheapest_units_off(
    basket: &Basket<'_>,
    qualifying: &[bool],
    left: &Left,
    buy: u32,
    get: u32,
    bps: u32,
) -> Vec<i64> {
    let group = i64::from(buy) + i64::from(get);
    let mut off = vec![0; basket.lines.len()];
    if group == 0 || get == 0 {
        return off;
    }
    // A unit's price is what is left of its line, spread evenly over the line's units.
    let mut units: Vec<(usize, i64)> = Vec::new();
    for (i, line) in basket.lines.iter().enumerate().filter(|(i, l)| qualifying[*i] && l.quantity > 0) {
        for share in allocate(left.lines[i], &vec![1; usize::try_from(line.quantity).unwrap_or(0)]) {
            units.push((i, share));
        }
    }
    units.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let groups = i64::try_from(units.len()).unwrap_or(0) / group;
    let free = usize::try_from(groups * i64::from(get)).unwrap_or(0);
    for &(i, price) in units.iter().rev().take(free) {
        off[i] += percent(price, bps);
    }
    off
}
