//! A cart's promotions: what the automatic ones and the codes on it offer, and what each takes
//! off each line and the shipping, worked out anew on every read and at checkout
//! (`promotions::evaluate` decides; this gathers what it needs and shapes its answer).

use std::collections::HashMap;

use super::model::Cart;
use crate::{
    catalog::products::categories_with_ancestors,
    db::Exec,
    error::ApiError,
    orders,
    promotions::{self, Basket, Buyer, Class, LimitCheck, Offer, Offered, PromotionCache, Refusal, Target},
    time,
};

/// What a cart's promotions come to.
#[derive(Debug, Clone, Default)]
pub struct CartDiscounts {
    /// In the order they applied.
    pub applied: Vec<AppliedDiscount>,
    /// Each code on the cart, in the order entered, with why it does not apply if it does not.
    pub codes: Vec<CodeStatus>,
    /// What came off each line (in the cart's order), and off the shipping.
    pub line_discounts: Vec<i64>,
    pub shipping_discount: i64,
}

#[derive(Debug, Clone)]
pub struct AppliedDiscount {
    pub promotion_id: String,
    pub name: String,
    pub code: Option<String>,
    /// Whether the code has a limit of its own (a single-use code).
    pub code_limited: bool,
    pub class: Class,
    /// What it took off, in all, and of that off the shipping.
    pub amount: i64,
    pub shipping: i64,
    pub per_customer_limit: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CodeStatus {
    pub code: String,
    /// `None` when it applies.
    pub problem: Option<CodeProblem>,
    pub promotion_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// No promotion has it.
    Unknown,
    Refused(Refusal),
}

impl CodeProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "unknown_code",
            Self::Refused(r) => r.code(),
        }
    }
}

/// What the cart is offered, and what the engine needs to know of its lines and buyer.
pub struct Offers {
    offered: Offered,
    has_ordered: bool,
    categories: HashMap<String, Vec<String>>,
}

/// Gathers the cart's offers: nothing is read in a store without promotions (beyond the copy
/// of them kept in memory), and categories and order history only when a promotion asks.
pub async fn offers(
    mut db: impl Exec,
    cache: &PromotionCache,
    cart: &Cart,
    buyer: Buyer<'_>,
    limits: LimitCheck,
) -> Result<Offers, ApiError> {
    let offered = promotions::offered(&mut db, cache, &cart.promotion_codes, buyer, limits).await?;
    let has_ordered =
        offered.asks_history && orders::has_paid_order(&mut db, buyer.customer_id, buyer.email).await?;
    let by_category = offered
        .candidates
        .iter()
        .any(|c| c.promotion.targets.iter().any(|t| matches!(t, Target::Category(_))));
    let categories = if by_category {
        let products: Vec<&str> = cart.lines.iter().map(|l| l.product_id.as_str()).collect();
        categories_with_ancestors(&mut db, &products).await?
    } else {
        HashMap::new()
    };
    Ok(Offers { offered, has_ordered, categories })
}

/// What the offers take off `cart` with a shipping charge of `shipping` (none yet: `None`).
pub fn discounts(cart: &Cart, offers: &Offers, shipping: Option<i64>, signed_in: bool) -> CartDiscounts {
    if offers.offered.candidates.is_empty() && offers.offered.unknown_codes.is_empty() {
        return CartDiscounts { line_discounts: vec![0; cart.lines.len()], ..CartDiscounts::default() };
    }
    let lines: Vec<promotions::Line> = cart
        .lines
        .iter()
        .map(|l| promotions::Line {
            product_id: l.product_id.clone(),
            categories: offers.categories.get(&l.product_id).cloned().unwrap_or_default(),
            unit_price: if l.purchasable { l.unit_price } else { 0 },
            quantity: l.quantity,
        })
        .collect();
    let basket =
        Basket { lines: &lines, shipping, signed_in, has_ordered: offers.has_ordered, now: time::now_ms() };
    let candidates = &offers.offered.candidates;
    let offer_list: Vec<Offer> = candidates
        .iter()
        .map(|c| Offer { promotion: &c.promotion, code: c.code.as_deref(), limit_reached: c.limit_reached })
        .collect();
    let outcome = promotions::evaluate(&basket, &offer_list);
    let applied = outcome
        .applied
        .iter()
        .map(|a| {
            let c = &candidates[a.offer];
            AppliedDiscount {
                promotion_id: c.promotion.id.clone(),
                name: c.promotion.name.clone(),
                code: c.code.clone(),
                code_limited: c.code_limited,
                class: c.promotion.class,
                amount: a.total(),
                shipping: a.shipping,
                per_customer_limit: c.promotion.per_customer_limit,
            }
        })
        .collect();
    let refusal = |code: &str| -> Option<Refusal> {
        outcome.refused.iter().find_map(|(i, r)| (candidates[*i].code.as_deref() == Some(code)).then_some(*r))
    };
    let codes = cart
        .promotion_codes
        .iter()
        .map(|code| {
            let known = candidates.iter().find(|c| c.code.as_deref() == Some(code.as_str()));
            let problem = match known {
                None => Some(CodeProblem::Unknown),
                Some(_) => refusal(code).map(CodeProblem::Refused),
            };
            CodeStatus { code: code.clone(), problem, promotion_id: known.map(|c| c.promotion.id.clone()) }
        })
        .collect();
    CartDiscounts {
        applied,
        codes,
        line_discounts: outcome.line_discounts,
        shipping_discount: outcome.shipping_discount,
    }
}

impl CartDiscounts {
    /// Checkout refuses a code that does not apply: the shopper sees why and removes it, and is
    /// never charged a total the cart did not show.
    pub fn check_codes(&self) -> Result<(), ApiError> {
        match self.codes.iter().find_map(|c| c.problem.map(|p| (c, p))) {
            Some((c, CodeProblem::Unknown)) => {
                Err(promotions::unknown_code().with_extension("promotion_code", c.code.as_str()))
            }
            Some((c, CodeProblem::Refused(refusal))) => Err(promotions::not_applicable(
                Some(&c.code),
                c.promotion_id.as_deref().unwrap_or_default(),
                refusal,
            )),
            None => Ok(()),
        }
    }
}
