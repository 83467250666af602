//! What a checkout charges: the claimed cart priced for the checkout's address, and the
//! order's lines and totals made of that quote.

use crate::{
    cart::{self, Cart, CartAddress, PricingSetup, Shipping, TaxStatus, Totals},
    db::Tx,
    error::ApiError,
    ids,
    orders::{DiscountSnapshot, OrderItem, OrderTotals, RegionSnapshot, ShippingAddress, ShippingSnapshot},
    promotions::Buyer,
    regions::Location,
};

/// The cart as it was priced, and its totals.
pub struct Quote {
    pub cart: Cart,
    pub totals: Totals,
}

/// Prices the claimed cart for `address`, inside the checkout's transaction (the claim holds the
/// cart, so what is priced is what is ordered); refuses what checkout cannot charge: an address
/// the shop does not ship to, an unavailable option, a tax provider that did not answer, a
/// promotion code that no longer applies.
///
/// The built-in provider computes in process, so asking it here holds no lock across the
/// network. An external provider (a `TaxProvider` that calls out) would be asked before the
/// claim instead, with the claim checking the cart did not change in between.
pub async fn price_claimed(
    tx: &mut Tx,
    setup: PricingSetup<'_>,
    mut cart: Cart,
    address: &CartAddress,
    buyer: Buyer<'_>,
) -> Result<Quote, ApiError> {
    cart.shipping_address = Some(address.clone());
    let totals = cart::price_cart(&mut *tx, setup, &cart, buyer).await?;
    totals.check_ready("shipping_address")?;
    totals.discounts.check_codes()?;
    Ok(Quote { cart, totals })
}

pub fn cart_address(a: &ShippingAddress) -> CartAddress {
    CartAddress {
        country: a.country.clone(),
        province: a.province.clone(),
        name: Some(a.name.clone()),
        line1: Some(a.line1.clone()),
        line2: a.line2.clone(),
        city: Some(a.city.clone()),
        postal_code: Some(a.postal_code.clone()),
    }
}

/// The order's lines and totals, made of the quote: what the shopper was shown is what the
/// order records and what the payment charges.
pub fn order_parts(quote: &Quote) -> (Vec<OrderItem>, OrderTotals) {
    let b = &quote.totals.breakdown;
    let items = quote
        .cart
        .lines
        .iter()
        .zip(&b.items)
        .map(|(line, priced)| OrderItem {
            id: ids::new_id("oi"),
            line_total: line.line_total(),
            variant_id: line.variant_id.clone(),
            product_id: line.product_id.clone(),
            product_title: line.product_title.clone(),
            variant_title: line.variant_title.clone(),
            sku: line.sku.clone(),
            quantity: line.quantity,
            unit_price: line.unit_price,
            tax_class: line.tax_class.clone(),
            discount: priced.discount,
            tax_lines: priced.tax_lines.clone(),
            tax: priced.tax,
            total: priced.total,
            fulfilled_quantity: 0,
        })
        .collect();
    let shipping = match (&quote.totals.shipping, &b.shipping) {
        (Shipping::By { option, .. }, Some(priced)) => Some(ShippingSnapshot {
            option_id: option.id.clone(),
            name: option.name.clone(),
            tax_class: option.tax_class.clone(),
            amount: priced.amount,
            discount: priced.discount,
            tax_lines: priced.tax_lines.clone(),
            tax: priced.tax,
            total: priced.total,
        }),
        _ => None,
    };
    let region = match &quote.totals.location {
        Some(Location::In(r)) => Some(RegionSnapshot {
            id: r.id.clone(),
            name: r.name.clone(),
            tax_mode: r.tax_mode,
            tax_rounding: r.tax_rounding,
            rounding: r.rounding,
        }),
        _ => None,
    };
    let tax_provider = match &quote.totals.tax {
        TaxStatus::Calculated { provider } => Some(provider.clone()),
        _ => None,
    };
    let discounts = quote
        .totals
        .discounts
        .applied
        .iter()
        .map(|d| DiscountSnapshot {
            promotion_id: d.promotion_id.clone(),
            name: d.name.clone(),
            code: d.code.clone(),
            class: d.class,
            amount: d.amount,
            shipping: d.shipping,
        })
        .collect();
    let totals = OrderTotals {
        discount_total: b.discount_total,
        shipping_total: b.shipping_total,
        tax_total: b.tax_total,
        tax_included: b.tax_included,
        tax_provider,
        region,
        shipping,
        discounts,
    };
    (items, totals)
}
