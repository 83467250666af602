//! How a cart is shown: its lines at current prices, where it ships, by which option, and the
//! breakdown of what checkout would charge.

use serde::Serialize;
use utoipa::ToSchema;

use super::{
    discounts::CartDiscounts,
    model::{Cart, CartAddress, CartLine},
    totals::{Shipping, TaxStatus, Totals},
};
use crate::{
    catalog::products::views::absolute_url,
    money::Money,
    pricing::{Priced, TaxLineView},
    promotions::views::DiscountView,
    regions::Location,
    shipping::Unavailable,
    time::rfc3339,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct CartView {
    #[schema(example = "cart_2f9q0x8m3k7v1c5b4n6h8j0r2t")]
    pub id: String,
    /// `open`, or `completed` once checked out.
    #[schema(example = "open")]
    pub status: &'static str,
    /// The order this cart became, once completed.
    pub order_id: Option<String>,
    pub items: Vec<CartItemView>,
    /// Units across the lines that can be bought.
    pub item_count: i64,
    /// As far as the shopper has given it (the country at least); null until then.
    pub shipping_address: Option<CartAddress>,
    /// The region the address is in; null without an address or in a store without regions.
    pub region: Option<CartRegionView>,
    /// Whether anything in the cart is shipped; a cart of gift cards or downloads needs no
    /// shipping option.
    pub requires_shipping: bool,
    /// What the cart ships by: the shopper's choice (`chosen`), or the region's first option
    /// that can take it. Null when nothing needs shipping or there is no region yet.
    pub shipping_option: Option<CartShippingView>,
    /// Lines at the variants' current prices, before discounts; lines with `purchasable: false`
    /// do not count.
    pub subtotal: Money,
    /// What promotions take off the lines and the shipping: the sum of `discounts`.
    pub discount_total: Money,
    /// The promotions that apply, in the order they applied: product, then order, then
    /// shipping discounts. Worked out anew on every read.
    pub discounts: Vec<DiscountView>,
    /// The codes entered, in order, each with whether it applies and, if not, why.
    pub promotion_codes: Vec<CartCodeView>,
    /// The shipping charge, before its discount.
    pub shipping_total: Money,
    /// The tax on the items and the shipping. With `tax_included` it is part of the prices;
    /// otherwise it is added to them.
    pub tax_total: Money,
    pub tax_included: bool,
    /// What checkout would charge now: `subtotal - discount_total + shipping_total`, plus
    /// `tax_total` when prices exclude tax.
    pub total: Money,
    /// `calculated`; `not_applicable` (no region yet, or a store without regions: no tax); or
    /// `unavailable` (the region's tax provider did not answer: amounts shown without tax, and
    /// checkout answers `503 tax_unavailable`).
    #[schema(example = "calculated")]
    pub tax_status: &'static str,
    #[schema(example = "usd")]
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartCodeView {
    #[schema(example = "WELCOME10")]
    pub code: String,
    pub applies: bool,
    /// Why it does not apply (null when it does): `expired`, `not_started`, `minimum_not_met`,
    /// `usage_limit_reached`, `not_combinable`, `not_eligible` or `unknown_code`. Checkout
    /// refuses a cart with such a code: remove it first.
    #[schema(example = "minimum_not_met")]
    pub reason: Option<&'static str>,
}

fn discount_views(d: &CartDiscounts, currency: &str) -> (Vec<DiscountView>, Vec<CartCodeView>) {
    let applied = d
        .applied
        .iter()
        .map(|a| DiscountView {
            promotion_id: a.promotion_id.clone(),
            name: a.name.clone(),
            code: a.code.clone(),
            class: a.class,
            amount: Money::new(a.amount, currency),
            shipping: Money::new(a.shipping, currency),
        })
        .collect();
    let codes = d
        .codes
        .iter()
        .map(|c| CartCodeView {
            code: c.code.clone(),
            applies: c.problem.is_none(),
            reason: c.problem.map(|p| p.code()),
        })
        .collect();
    (applied, codes)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartRegionView {
    pub id: String,
    pub name: String,
    /// Whether the region's prices include its tax.
    pub tax_inclusive: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartShippingView {
    #[schema(example = "ship_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    /// Null when the option was deleted.
    pub name: Option<String>,
    /// True when the shopper chose it; false for the region's default.
    pub chosen: bool,
    /// False when the chosen option can no longer take the cart: choose another to check out.
    pub available: bool,
    /// Why it is not available: `disabled`, `subtotal_over_limit`, `weight_over_limit`,
    /// `other_region` or `deleted`.
    pub unavailable_reason: Option<Unavailable>,
    /// Its price for this cart (free-shipping threshold applied), as the region shows prices;
    /// null when unavailable.
    pub amount: Option<Money>,
    /// What shipping promotions take off it; null when unavailable.
    pub discount: Option<Money>,
    pub tax_lines: Vec<TaxLineView>,
    pub tax: Option<Money>,
    /// What the shopper pays for it: `amount - discount`, plus `tax` when prices exclude tax.
    pub total: Option<Money>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartItemView {
    #[schema(example = "item_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub product_title: String,
    pub product_handle: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    /// The variant's current price.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
    /// The line before discounts (0 for a line that is not `purchasable`).
    pub subtotal: Money,
    pub discount: Money,
    /// The tax in (or on) the line, one entry per rate.
    pub tax_lines: Vec<TaxLineView>,
    pub tax: Money,
    /// What the shopper pays for the line: `subtotal - discount`, plus `tax` when prices
    /// exclude tax.
    pub total: Money,
    #[schema(example = "standard")]
    pub tax_class: String,
    pub requires_shipping: bool,
    /// Units available now; checkout claims them.
    pub available: i64,
    /// False when the product was withdrawn from sale after it was added: remove the line to
    /// check out.
    pub purchasable: bool,
    /// The product's first image, if any.
    pub image: Option<String>,
}

/// `cart` with its `totals`, in `currency`; relative image paths made absolute under
/// `public_url`.
pub fn cart_view(cart: Cart, totals: Totals, currency: &str, public_url: &str) -> CartView {
    let money = |amount| Money::new(amount, currency);
    let b = totals.breakdown;
    let requires_shipping = cart.lines.iter().any(|l| l.purchasable && l.requires_shipping);
    let line = |(l, priced): (CartLine, Option<Priced>)| {
        let priced = priced.unwrap_or_default();
        CartItemView {
            unit_price: money(l.unit_price),
            line_total: money(l.line_total()),
            subtotal: money(priced.amount),
            discount: money(priced.discount),
            tax_lines: TaxLineView::all(&priced.tax_lines, currency),
            tax: money(priced.tax),
            total: money(priced.total),
            image: l.image.as_deref().map(|url| absolute_url(public_url, url)),
            id: l.id,
            variant_id: l.variant_id,
            product_id: l.product_id,
            product_title: l.product_title,
            product_handle: l.product_handle,
            variant_title: l.variant_title,
            sku: l.sku,
            quantity: l.quantity,
            available: l.available,
            purchasable: l.purchasable,
            tax_class: l.tax_class,
            requires_shipping: l.requires_shipping,
        }
    };
    let shipping_option = match totals.shipping {
        Shipping::By { option, chosen, .. } => {
            let priced = b.shipping.clone().unwrap_or_default();
            Some(CartShippingView {
                id: option.id,
                name: Some(option.name),
                chosen,
                available: true,
                unavailable_reason: None,
                amount: Some(money(priced.amount)),
                discount: Some(money(priced.discount)),
                tax_lines: TaxLineView::all(&priced.tax_lines, currency),
                tax: Some(money(priced.tax)),
                total: Some(money(priced.total)),
            })
        }
        Shipping::Unavailable { option_id, option, reason } => Some(CartShippingView {
            id: option_id,
            name: option.map(|o| o.name),
            chosen: true,
            available: false,
            unavailable_reason: Some(reason),
            amount: None,
            discount: None,
            tax_lines: Vec::new(),
            tax: None,
            total: None,
        }),
        Shipping::NotNeeded | Shipping::Unknown | Shipping::NoneAvailable => None,
    };
    let region = match totals.location {
        Some(Location::In(r)) => Some(CartRegionView {
            tax_inclusive: r.tax_mode == crate::pricing::TaxMode::Inclusive,
            id: r.id,
            name: r.name,
        }),
        _ => None,
    };
    let tax_status = match totals.tax {
        TaxStatus::NotApplicable => "not_applicable",
        TaxStatus::Calculated { .. } => "calculated",
        TaxStatus::Unavailable(_) => "unavailable",
    };
    let priced = b.items.into_iter().map(Some).chain(std::iter::repeat(None));
    let (discounts, promotion_codes) = discount_views(&totals.discounts, currency);
    CartView {
        discounts,
        promotion_codes,
        item_count: cart.item_count(),
        items: cart.lines.into_iter().zip(priced).map(line).collect(),
        shipping_address: cart.shipping_address,
        region,
        requires_shipping,
        shipping_option,
        subtotal: money(b.subtotal),
        discount_total: money(b.discount_total),
        shipping_total: money(b.shipping_total),
        tax_total: money(b.tax_total),
        tax_included: b.tax_included,
        total: money(b.total),
        tax_status,
        currency: currency.to_owned(),
        status: cart.status.as_str(),
        order_id: cart.order_id,
        created_at: rfc3339(cart.created_at),
        updated_at: rfc3339(cart.updated_at),
        id: cart.id,
    }
}
