//! What a checkout charges: the cart priced for the checkout's address before anything is
//! claimed (so a tax provider is never asked while a transaction holds the cart), then the
//! order's lines and totals made of that quote once the claim shows the cart did not change.

use crate::{
    cart::{self, Cart, CartAddress, CartLine, Shipping, TaxStatus, Totals},
    db::Db,
    error::ApiError,
    ids,
    orders::{OrderItem, OrderTotals, RegionSnapshot, ShippingAddress, ShippingSnapshot},
    regions::Location,
    tax::TaxProviders,
};

/// The cart as it was priced, and its totals.
pub struct Quote {
    pub cart: Cart,
    pub totals: Totals,
}

/// Prices the cart for `address`; refuses what checkout cannot charge (an address the shop
/// does not ship to, an unavailable option, a tax provider that did not answer). `None` for a
/// cart that a checkout already holds: the claim says so with the order it became.
pub async fn quote(
    db: &Db,
    taxes: &TaxProviders,
    cart_id: &str,
    caller: Option<&str>,
    address: &ShippingAddress,
) -> Result<Option<Quote>, ApiError> {
    let mut cart = cart::get_cart(db, cart_id, caller).await?;
    if cart.order_id.is_some() {
        return Ok(None);
    }
    cart.shipping_address = Some(cart_address(address));
    let totals = cart::price_cart(db, taxes, &cart).await?;
    totals.check_ready("shipping_address")?;
    Ok(Some(Quote { cart, totals }))
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

/// Whether the claimed cart is the one that was priced: the same lines at the same prices,
/// and the same choice of shipping.
pub fn unchanged(quoted: &Cart, claimed: &Cart) -> bool {
    let key = |l: &CartLine| {
        (l.id.clone(), l.variant_id.clone(), l.quantity, l.unit_price, l.tax_class.clone(), l.weight)
    };
    let keys =
        |c: &Cart| c.lines.iter().map(|l| (key(l), l.purchasable, l.requires_shipping)).collect::<Vec<_>>();
    keys(quoted) == keys(claimed) && quoted.shipping_option_id == claimed.shipping_option_id
}

/// `409 cart_changed`: the cart changed between its pricing and its claim.
pub fn cart_changed() -> ApiError {
    ApiError::conflict(
        "cart_changed",
        "The cart changed while it was being checked out. Nothing was charged; review it and check out again.",
    )
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
    let totals = OrderTotals {
        discount_total: b.discount_total,
        shipping_total: b.shipping_total,
        tax_total: b.tax_total,
        tax_included: b.tax_included,
        tax_provider,
        region,
        shipping,
    };
    (items, totals)
}
