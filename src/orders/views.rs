//! How an order is shown: to its customer, to whoever holds its link, to admins, and in the
//! checkout's answer.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Order, OrderItem, OrderStatus, ShippingAddress};
use crate::{money::Money, page::Page, time::rfc3339};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    #[schema(example = "ord_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    /// Human-friendly, increasing: quote it to support.
    #[schema(example = 1001)]
    pub number: i64,
    pub status: OrderStatus,
    pub email: String,
    pub customer_id: Option<String>,
    pub items: Vec<OrderItemView>,
    pub subtotal: Money,
    pub total: Money,
    pub currency: String,
    pub shipping_address: ShippingAddress,
    pub payment: Option<PaymentView>,
    pub tracking_number: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Only in the checkout response: lets whoever holds it read this order
    /// (`GET /v1/orders/{id}?token=…`). Shown once; Oxcart keeps only its hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderItemView {
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    /// The product's title when bought.
    pub title: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    /// The price paid per unit, whatever the price is now.
    pub unit_price: Money,
    pub line_total: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    #[schema(example = "test")]
    pub provider: String,
    /// `pending`, `succeeded`, `failed` or `refunded`.
    pub status: String,
    /// Only in a checkout answer that waits for the customer: for Stripe.js `handleNextAction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

pub fn view(order: Order) -> OrderView {
    let currency = order.currency.clone();
    let money = |amount| Money::new(amount, &currency);
    let item = |i: OrderItem| OrderItemView {
        unit_price: money(i.unit_price),
        line_total: money(i.line_total),
        id: i.id,
        variant_id: i.variant_id,
        product_id: i.product_id,
        title: i.product_title,
        variant_title: i.variant_title,
        sku: i.sku,
        quantity: i.quantity,
    };
    OrderView {
        items: order.items.into_iter().map(item).collect(),
        subtotal: money(order.subtotal),
        total: money(order.total),
        payment: order.payment.map(|p| PaymentView {
            provider: p.provider,
            status: p.status.as_str().to_owned(),
            client_secret: None,
        }),
        created_at: rfc3339(order.created_at),
        updated_at: rfc3339(order.updated_at),
        id: order.id,
        number: order.number,
        status: order.status,
        email: order.email,
        customer_id: order.customer_id,
        currency: order.currency,
        shipping_address: order.shipping_address,
        tracking_number: order.tracking_number,
        access_token: None,
    }
}

pub fn page_view(orders: Vec<Order>, limit: i64) -> Page<OrderView> {
    Page::from_rows(orders, limit, super::cursor_of).map(view)
}
