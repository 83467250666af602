//! What an order is: its status, lines, address and payments, as the rules and the store both
//! see them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::payments::model::Payment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
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
    pub shipping_address: ShippingAddress,
    pub tracking_number: Option<String>,
    pub items: Vec<OrderItem>,
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
}

/// What admins search orders by; every field given must match.
#[derive(Debug, Default)]
pub struct AdminFilter {
    pub status: Option<OrderStatus>,
    /// The human-friendly order number (`1001`).
    pub number: Option<i64>,
    /// The email the order was placed with, any case.
    pub email: Option<String>,
}

/// What checkout knows of an order before it exists.
pub struct PendingOrder<'a> {
    pub id: &'a str,
    pub cart_id: &'a str,
    pub customer_id: Option<&'a str>,
    pub email: &'a str,
    pub currency: &'a str,
    pub shipping_address: &'a ShippingAddress,
    pub access_token_hash: &'a str,
    /// The payment provider that will be asked to charge, and the payment's id.
    pub provider: &'a str,
    pub payment_id: &'a str,
    pub now: i64,
}
