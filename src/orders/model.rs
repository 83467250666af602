//! What an order is: its status, lines, address and payments, as the rules and the store both
//! see them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::payments::model::Payment;
use crate::pricing::{Rounding, TaxLine, TaxMode, TaxRounding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    /// Some units have shipped, not all.
    PartiallyFulfilled,
    Fulfilled,
    Cancelled,
    Refunded,
    Failed,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "pending_payment",
            Self::Paid => "paid",
            Self::PartiallyFulfilled => "partially_fulfilled",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
            Self::Refunded => "refunded",
            Self::Failed => "failed",
        }
    }

    pub(super) fn from_db(value: &str) -> Self {
        match value {
            "pending_payment" => Self::PendingPayment,
            "paid" => Self::Paid,
            "partially_fulfilled" => Self::PartiallyFulfilled,
            "fulfilled" => Self::Fulfilled,
            "cancelled" => Self::Cancelled,
            "refunded" => Self::Refunded,
            _ => Self::Failed,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingAddress {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(example = "DE")]
    pub country: String,
    /// ISO 3166-2 subdivision code without the country (`CA` for US-CA): needed where a
    /// region covers or taxes provinces apart (US states).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "CA")]
    pub province: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub number: i64,
    pub cart_id: String,
    pub customer_id: Option<String>,
    pub email: String,
    pub status: OrderStatus,
    pub currency: String,
    pub subtotal: i64,
    pub total: i64,
    pub totals: OrderTotals,
    pub shipping_address: ShippingAddress,
    pub tracking_number: Option<String>,
    pub items: Vec<OrderItem>,
    /// Oldest first, cancelled ones included.
    pub shipments: Vec<Shipment>,
    pub payment: Option<Payment>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct OrderItem {
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub product_title: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub line_total: i64,
    pub tax_class: String,
    pub discount: i64,
    pub tax_lines: Vec<TaxLine>,
    /// The sum of `tax_lines`.
    pub tax: i64,
    /// What was paid for the line: `line_total - discount`, plus `tax` when it was added.
    pub total: i64,
    /// Units in shipments that are not cancelled; never more than `quantity`.
    pub fulfilled_quantity: i64,
}

/// Some units of an order's lines, sent together.
#[derive(Debug, Clone)]
pub struct Shipment {
    pub id: String,
    pub order_id: String,
    pub status: ShipmentStatus,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub items: Vec<ShipmentItem>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShipmentItem {
    pub order_item_id: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// On its way; it can still be cancelled.
    Shipped,
    Delivered,
    /// Called back before delivery: its units count as unfulfilled again.
    Cancelled,
}

impl ShipmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    pub(super) fn from_db(value: &str) -> Self {
        match value {
            "delivered" => Self::Delivered,
            "cancelled" => Self::Cancelled,
            _ => Self::Shipped,
        }
    }
}

/// Everything but the lines that priced an order, as it was when placed: later changes to
/// rates or options never alter it. `total = subtotal - discount_total + shipping_total`, plus
/// `tax_total` when tax was added.
#[derive(Debug, Clone, Default)]
pub struct OrderTotals {
    pub discount_total: i64,
    pub shipping_total: i64,
    pub tax_total: i64,
    pub tax_included: bool,
    /// Which provider computed the tax; `None` in a store without regions (no tax).
    pub tax_provider: Option<String>,
    pub region: Option<RegionSnapshot>,
    pub shipping: Option<ShippingSnapshot>,
    /// The promotions that priced it, in the order they applied.
    pub discounts: Vec<DiscountSnapshot>,
}

/// A promotion an order used, and what it took off: in all, and of the shipping (the rest came
/// off the lines, whose `discount` is the sum of what every promotion took off them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DiscountSnapshot {
    pub promotion_id: String,
    pub name: String,
    /// The code it was applied by; null for an automatic promotion.
    pub code: Option<String>,
    pub class: crate::promotions::model::Class,
    pub amount: i64,
    pub shipping: i64,
}

/// The region an order was taxed in, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegionSnapshot {
    pub id: String,
    pub name: String,
    pub tax_mode: TaxMode,
    pub tax_rounding: TaxRounding,
    pub rounding: Rounding,
}

/// The shipping an order was charged, and its tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingSnapshot {
    pub option_id: String,
    pub name: String,
    pub tax_class: String,
    pub amount: i64,
    pub discount: i64,
    pub tax_lines: Vec<TaxLine>,
    pub tax: i64,
    pub total: i64,
}

/// What admins search orders by; every field given must match.
#[derive(Debug, Default)]
pub struct AdminFilter {
    pub status: Option<OrderStatus>,
    /// The human-friendly order number (`1001`).
    pub number: Option<i64>,
    /// The email the order was placed with, any case.
    pub email: Option<String>,
    /// The signed-in customer who placed it.
    pub customer_id: Option<String>,
    /// Placed at or after this instant (Unix ms).
    pub placed_from: Option<i64>,
    /// Placed before this instant (Unix ms).
    pub placed_before: Option<i64>,
}

/// What checkout knows of an order before it exists.
pub struct PendingOrder<'a> {
    pub id: &'a str,
    pub cart_id: &'a str,
    pub customer_id: Option<&'a str>,
    pub email: &'a str,
    pub currency: &'a str,
    pub shipping_address: &'a ShippingAddress,
    pub totals: &'a OrderTotals,
    pub access_token_hash: &'a str,
    /// The payment provider that will be asked to charge, and the payment's id.
    pub provider: &'a str,
    pub payment_id: &'a str,
    pub now: i64,
}
