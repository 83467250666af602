//! How promotions and their codes are shown to admins.

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    model::{Benefit, Class, Customers, PromotionDetail, Target, Trigger, Usage},
    redemption_store::RedemptionRow,
    rules::BenefitType,
    store::CodeRow,
};
use crate::{money::Money, time::rfc3339};

#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionView {
    #[schema(example = "promo_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    #[schema(example = "Welcome 10%")]
    pub name: String,
    /// What it discounts: `product` (the qualifying lines), `order` (the subtotal) or `shipping`.
    pub class: Class,
    #[serde(rename = "type")]
    pub benefit_type: BenefitType,
    /// For `percentage` and `buy_x_get_y`: 10000 = 100%.
    pub percentage_bps: Option<u32>,
    /// For `fixed`: off each qualifying unit (product), the subtotal (order) or the shipping.
    pub amount: Option<Money>,
    pub buy_quantity: Option<u32>,
    pub get_quantity: Option<u32>,
    pub trigger: Trigger,
    /// The shared code of a `code` promotion, if it has one.
    pub code: Option<String>,
    /// How many codes it has, shared and single-use.
    pub codes_count: i64,
    pub product_ids: Vec<String>,
    pub category_ids: Vec<String>,
    pub min_subtotal: Option<Money>,
    pub min_quantity: Option<i64>,
    pub customers: Customers,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub enabled: bool,
    /// The classes of other promotions it may be used with.
    pub combines_with: Vec<Class>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub usage: UsageView,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageView {
    /// Redemptions by paid orders.
    pub used: i64,
    /// Redemptions held by checkouts whose payment is not settled yet.
    pub held: i64,
    /// How many more there may be; null without a limit.
    pub remaining: Option<i64>,
}

impl UsageView {
    fn new(usage: Usage, limit: Option<i64>) -> Self {
        let remaining = limit.map(|l| (l - usage.used - usage.held).max(0));
        Self { used: usage.used, held: usage.held, remaining }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PromotionCodeView {
    #[schema(example = "WELCOME10")]
    pub code: String,
    pub promotion_id: String,
    /// 1 for a single-use code; null for a shared one (the promotion's limits apply).
    pub usage_limit: Option<i64>,
    pub usage: UsageView,
    pub created_at: String,
}

impl PromotionCodeView {
    pub fn new(c: CodeRow) -> Self {
        let usage = UsageView::new(Usage { used: c.used, held: c.held }, c.usage_limit);
        Self {
            code: c.code,
            promotion_id: c.promotion_id,
            usage_limit: c.usage_limit,
            usage,
            created_at: rfc3339(c.created_at),
        }
    }
}

impl PromotionView {
    pub fn new(d: PromotionDetail, currency: &str) -> Self {
        let PromotionDetail { promotion: p, usage, code, codes_count } = d;
        let (percentage_bps, amount, buy_quantity, get_quantity) = match p.benefit {
            Benefit::Percentage { bps } => (Some(bps), None, None, None),
            Benefit::Fixed { amount } => (None, Some(Money::new(amount, currency)), None, None),
            Benefit::FreeShipping => (None, None, None, None),
            Benefit::BuyXGetY { buy, get, bps } => (Some(bps), None, Some(buy), Some(get)),
        };
        let ids = |product: bool| {
            p.targets
                .iter()
                .filter_map(|t| match (t, product) {
                    (Target::Product(id), true) | (Target::Category(id), false) => Some(id.clone()),
                    _ => None,
                })
                .collect()
        };
        let combines_with = [Class::Product, Class::Order, Class::Shipping]
            .into_iter()
            .filter(|c| p.combines.with(*c))
            .collect();
        Self {
            product_ids: ids(true),
            category_ids: ids(false),
            id: p.id,
            name: p.name,
            class: p.class,
            benefit_type: BenefitType::of(p.benefit),
            percentage_bps,
            amount,
            buy_quantity,
            get_quantity,
            trigger: p.trigger,
            code,
            codes_count,
            min_subtotal: p.min_subtotal.map(|m| Money::new(m, currency)),
            min_quantity: p.min_quantity,
            customers: p.customers,
            starts_at: p.starts_at.map(rfc3339),
            ends_at: p.ends_at.map(rfc3339),
            enabled: p.enabled,
            combines_with,
            usage_limit: p.usage_limit,
            per_customer_limit: p.per_customer_limit,
            usage: UsageView::new(usage, p.usage_limit),
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }
}

/// A promotion as a cart or an order shows it: what it takes (or took) off.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountView {
    pub promotion_id: String,
    #[schema(example = "Welcome 10%")]
    pub name: String,
    /// The code it applies by; null for an automatic promotion.
    pub code: Option<String>,
    /// `product`, `order` or `shipping`.
    pub class: Class,
    /// What it takes off, in all.
    pub amount: Money,
    /// Of that, what it takes off the shipping.
    pub shipping: Money,
}

/// One redemption of a promotion: held by a checkout, used by its paid order, or released.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionView {
    #[schema(example = "red_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub order_id: String,
    /// The code it was redeemed with; null for an automatic promotion.
    pub code: Option<String>,
    /// The signed-in customer who redeemed it; null for a guest.
    pub customer_id: Option<String>,
    /// A guest's email, normalised (lower case), as their per-customer limit counts it; null
    /// for a signed-in customer.
    pub guest_email: Option<String>,
    /// `held` (checkout under way), `used` (paid) or `released` (payment failed or expired).
    pub status: String,
    /// What it took off the order.
    pub amount: Money,
    pub created_at: String,
    pub updated_at: String,
}

impl RedemptionView {
    pub fn new(r: RedemptionRow, currency: &str) -> Self {
        let customer_id = r.customer_key.strip_prefix("customer:").map(str::to_owned);
        let guest_email = r.customer_key.strip_prefix("email:").map(str::to_owned);
        Self {
            id: r.id,
            order_id: r.order_id,
            code: r.code,
            customer_id,
            guest_email,
            status: r.status,
            amount: Money::new(r.amount, currency),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}
