//! How an order is shown: to its customer, to whoever holds its link, to admins, and in the
//! checkout's answer.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Order, OrderItem, OrderStatus, ShipmentItem, ShipmentStatus, ShippingAddress};
use crate::{
    money::Money,
    page::Page,
    pricing::{Rounding, TaxLineView, TaxMode, TaxRounding},
    promotions::views::DiscountView,
    time::rfc3339,
};

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
    /// The lines before discounts.
    pub subtotal: Money,
    /// What promotions took off the lines and the shipping: the sum of `discounts`.
    pub discount_total: Money,
    /// The promotions that priced the order, in the order they applied.
    pub discounts: Vec<DiscountView>,
    /// The shipping charged, before its discount.
    pub shipping_total: Money,
    /// The tax on the lines and the shipping: part of the prices with `tax_included`, added to
    /// them otherwise.
    pub tax_total: Money,
    pub tax_included: bool,
    /// What was charged: `subtotal - discount_total + shipping_total`, plus `tax_total` when
    /// tax was added.
    pub total: Money,
    /// The region the order was taxed in (null in a store without regions).
    pub region: Option<OrderRegionView>,
    /// The shipping option it was charged for (null when nothing needed shipping, or in a
    /// store without regions).
    pub shipping_option: Option<OrderShippingView>,
    /// Which tax provider computed the tax (`table`: the region's rates); null without tax.
    pub tax_provider: Option<String>,
    pub currency: String,
    pub shipping_address: ShippingAddress,
    pub payment: Option<PaymentView>,
    /// The tracking number of the latest shipment that has one.
    pub tracking_number: Option<String>,
    /// Oldest first, cancelled ones included.
    pub shipments: Vec<ShipmentView>,
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
    /// `unit_price × quantity`.
    pub line_total: Money,
    pub discount: Money,
    #[schema(example = "standard")]
    pub tax_class: String,
    /// The tax in (or on) the line when the order was placed, one entry per rate.
    pub tax_lines: Vec<TaxLineView>,
    pub tax: Money,
    /// What was paid for the line: `line_total - discount`, plus `tax` when tax was added.
    pub total: Money,
    /// Units in shipments that are not cancelled.
    pub fulfilled_quantity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentView {
    #[schema(example = "shp_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub status: ShipmentStatus,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    /// The units of each line (`order_item_id`: an item's `id`) in this shipment.
    pub items: Vec<ShipmentItem>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderRegionView {
    pub id: String,
    pub name: String,
    pub tax_mode: TaxMode,
    pub tax_rounding: TaxRounding,
    pub rounding: Rounding,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderShippingView {
    /// The option's id when the order was placed (it may have been changed or deleted since).
    pub id: String,
    pub name: String,
    #[schema(example = "standard")]
    pub tax_class: String,
    pub amount: Money,
    pub discount: Money,
    pub tax_lines: Vec<TaxLineView>,
    pub tax: Money,
    pub total: Money,
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
    let t = order.totals;
    let money = |amount| Money::new(amount, &currency);
    let item = |i: OrderItem| OrderItemView {
        unit_price: money(i.unit_price),
        line_total: money(i.line_total),
        discount: money(i.discount),
        tax_lines: TaxLineView::all(&i.tax_lines, &currency),
        tax: money(i.tax),
        total: money(i.total),
        fulfilled_quantity: i.fulfilled_quantity,
        tax_class: i.tax_class,
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
        discount_total: money(t.discount_total),
        discounts: t
            .discounts
            .into_iter()
            .map(|d| DiscountView {
                amount: money(d.amount),
                shipping: money(d.shipping),
                promotion_id: d.promotion_id,
                name: d.name,
                code: d.code,
                class: d.class,
            })
            .collect(),
        shipping_total: money(t.shipping_total),
        tax_total: money(t.tax_total),
        tax_included: t.tax_included,
        total: money(order.total),
        region: t.region.map(|r| OrderRegionView {
            id: r.id,
            name: r.name,
            tax_mode: r.tax_mode,
            tax_rounding: r.tax_rounding,
            rounding: r.rounding,
        }),
        shipping_option: t.shipping.map(|s| OrderShippingView {
            amount: money(s.amount),
            discount: money(s.discount),
            tax_lines: TaxLineView::all(&s.tax_lines, &currency),
            tax: money(s.tax),
            total: money(s.total),
            id: s.option_id,
            name: s.name,
            tax_class: s.tax_class,
        }),
        tax_provider: t.tax_provider,
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
        shipments: order
            .shipments
            .into_iter()
            .map(|s| ShipmentView {
                id: s.id,
                status: s.status,
                carrier: s.carrier,
                tracking_number: s.tracking_number,
                tracking_url: s.tracking_url,
                items: s.items,
                created_at: rfc3339(s.created_at),
                updated_at: rfc3339(s.updated_at),
            })
            .collect(),
        access_token: None,
    }
}

pub fn page_view(orders: Vec<Order>, limit: i64) -> Page<OrderView> {
    Page::from_rows(orders, limit, super::cursor_of).map(view)
}
