//! What a promotion is, as the rules, the discount engine and the store all see it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a promotion discounts. Applied in this order: product, then order, then shipping, each
/// on what the earlier ones left (docs/API.md, "Promotions").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// The qualifying lines.
    Product,
    /// The items' subtotal, spread over the lines.
    Order,
    /// The shipping charge.
    Shipping,
}

/// How much a promotion takes off. Amounts are as the region shows prices: with tax in a
/// tax-inclusive region (a fixed discount there is a gross amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Benefit {
    /// `bps` off (10,000 = all of it): each qualifying line (product class), the subtotal (order)
    /// or the shipping.
    Percentage { bps: u32 },
    /// `amount` off: each qualifying unit (product class), the subtotal once (order) or the
    /// shipping.
    Fixed { amount: i64 },
    /// The shipping costs nothing (shipping class only).
    FreeShipping,
    /// For every `buy` qualifying units in the cart, `get` more (the cheapest) at `bps` off
    /// (10,000: free). Product class only.
    BuyXGetY { buy: u32, get: u32, bps: u32 },
}

/// How a promotion reaches a cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// When the shopper enters one of its codes.
    Code,
    /// By itself, whenever its conditions hold.
    Automatic,
}

/// Who may have it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Customers {
    #[default]
    Anyone,
    /// Signed-in customers only.
    SignedIn,
    /// Those who have never had a paid order: a signed-in customer, or a guest by the email
    /// given at checkout.
    New,
}

/// The classes of the other promotions a promotion may be used with. Two promotions are used
/// together only if each combines with the other's class (Shopify's model); two of one class
/// only if that class combines with itself for both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Combines {
    pub product: bool,
    pub order: bool,
    pub shipping: bool,
}

impl Combines {
    pub fn with(self, class: Class) -> bool {
        match class {
            Class::Product => self.product,
            Class::Order => self.order,
            Class::Shipping => self.shipping,
        }
    }
}

/// A product, or a category with every category under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Product(String),
    Category(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub id: String,
    pub name: String,
    pub class: Class,
    pub benefit: Benefit,
    pub trigger: Trigger,
    /// Which lines qualify; none: every line. For the product class they are the lines
    /// discounted; for the others, the cart must hold one of them.
    pub targets: Vec<Target>,
    /// The least the qualifying lines must come to, measured after the classes applied before
    /// this one (so a free-shipping threshold is met by what the shopper pays for the items).
    pub min_subtotal: Option<i64>,
    /// The fewest qualifying units.
    pub min_quantity: Option<i64>,
    pub customers: Customers,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub enabled: bool,
    pub combines: Combines,
    /// Most redemptions in all, and by one customer (by id, or a guest's normalised email).
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Promotion {
    /// A promotion with no conditions or limits (enabled, for anyone, combining with nothing),
    /// as a start for what an admin describes.
    pub fn new(id: String, name: String, class: Class, benefit: Benefit, trigger: Trigger, now: i64) -> Self {
        Self {
            id,
            name,
            class,
            benefit,
            trigger,
            targets: Vec::new(),
            min_subtotal: None,
            min_quantity: None,
            customers: Customers::Anyone,
            starts_at: None,
            ends_at: None,
            enabled: true,
            combines: Combines::default(),
            usage_limit: None,
            per_customer_limit: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// Why a promotion does not apply to a cart: a stable code shoppers' clients can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    NotStarted,
    Expired,
    /// Disabled, for other customers, or nothing in the cart qualifies.
    NotEligible,
    MinimumNotMet,
    UsageLimitReached,
    /// Another promotion that saves more cannot be used with it.
    NotCombinable,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Expired => "expired",
            Self::NotEligible => "not_eligible",
            Self::MinimumNotMet => "minimum_not_met",
            Self::UsageLimitReached => "usage_limit_reached",
            Self::NotCombinable => "not_combinable",
        }
    }
}

/// How many redemptions a promotion or a code has: paid for, and held by checkouts under way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub used: i64,
    pub held: i64,
}

/// A promotion with what admins see of it besides its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionDetail {
    pub promotion: Promotion,
    pub usage: Usage,
    /// Its shared code, if it has one.
    pub code: Option<String>,
    pub codes_count: i64,
}
