//! Where a cart ships and by which option: the shopper's choices, checked against the regions
//! and the options as they stand. Pricing them is `totals.rs`'s.

use super::{
    access::{load, open_cart},
    model::{Cart, CartAddress},
    store,
    totals::{PricingSetup, Shipping, check_placed, price_cart},
};
use crate::{
    db::{Db, retry_transient},
    error::ApiError,
    promotions::Buyer,
    regions::{self, RegionCache},
    shipping::Unavailable,
    time,
    validate::{self, Validator},
};

/// `address` checked: a country the shop ships to, the province where its region needs one,
/// and the other fields' lengths. Problems are named under `prefix` (`""` or `shipping_address.`).
pub fn check_address(address: &CartAddress, prefix: &str) -> Result<CartAddress, ApiError> {
    let mut v = Validator::new();
    let field = |name: &str| format!("{prefix}{name}");
    let optional = |v: &mut Validator, name: &str, value: &Option<String>, max: usize| match value
        .as_deref()
        .map(str::trim)
    {
        None | Some("") => None,
        Some(text) => v.check(&field(name), validate::text(text, 1, max)),
    };
    let checked = CartAddress {
        country: v.check(&field("country"), validate::country(&address.country)).unwrap_or_default(),
        province: address
            .province
            .as_deref()
            .and_then(|p| v.check(&field("province"), validate::province(p))),
        name: optional(&mut v, "name", &address.name, 100),
        line1: optional(&mut v, "line1", &address.line1, 200),
        line2: optional(&mut v, "line2", &address.line2, 200),
        city: optional(&mut v, "city", &address.city, 100),
        postal_code: optional(&mut v, "postal_code", &address.postal_code, 20),
    };
    v.finish()?;
    Ok(checked)
}

/// Sets the cart's shipping address; its country (and province) must be one the shop ships
/// to. A chosen option stays chosen: if the address moved to another region, the cart shows it
/// as unavailable until the shopper chooses again.
pub async fn set_shipping_address(
    db: &Db,
    regions: &RegionCache,
    cart_id: &str,
    caller: Option<&str>,
    address: &CartAddress,
) -> Result<Cart, ApiError> {
    let address = &check_address(address, "")?;
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        check_placed(
            &regions::locate(&mut tx, regions, &address.country, address.province.as_deref()).await?,
            "",
        )?;
        store::set_shipping_address(&mut tx, cart_id, address).await?;
        let cart = load(&mut tx, cart_id, caller).await?;
        tx.commit().await?;
        Ok(cart)
    })
    .await
}

/// Chooses the option the cart ships by (`None`: back to the region's default). It must be one
/// of the address's region that can take the cart now.
pub async fn choose_shipping_option(
    db: &Db,
    setup: PricingSetup<'_>,
    cart_id: &str,
    caller: Option<&str>,
    option_id: Option<&str>,
) -> Result<Cart, ApiError> {
    let now = time::now_ms();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        open_cart(&mut tx, cart_id, caller, now).await?;
        store::set_shipping_option(&mut tx, cart_id, option_id).await?;
        let cart = load(&mut tx, cart_id, caller).await?;
        if option_id.is_some() {
            let totals = price_cart(
                &mut tx,
                setup,
                &cart,
                Buyer { customer_id: cart.customer_id.as_deref().or(caller), email: None },
            )
            .await?;
            let not_here = |message: &str| ApiError::field("shipping_option_id", message);
            match totals.shipping {
                Shipping::By { .. } => {}
                Shipping::NotNeeded => {
                    return Err(not_here("cannot be set: nothing in the cart needs shipping"));
                }
                Shipping::Unknown | Shipping::NoneAvailable => {
                    return Err(not_here("needs the cart's shipping address (its country at least) first"));
                }
                Shipping::Unavailable { reason: Unavailable::OtherRegion | Unavailable::Deleted, .. } => {
                    return Err(not_here("is not a shipping option of the region the cart ships to"));
                }
                Shipping::Unavailable { .. } => totals.check_ready("shipping_address")?,
            }
        }
        tx.commit().await?;
        Ok(cart)
    })
    .await
}
