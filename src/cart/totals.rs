//! What a cart comes to: its region (from the shipping address), its shipping (the option the
//! shopper chose, or else the region's first that can take the cart) and its tax, by the
//! region's provider. Every cart read and every checkout price a cart here, so a shopper pays
//! what the cart showed. Eligibility and prices are worked out anew on each read: a chosen
//! option that stopped fitting is shown as unavailable, never swapped for another.

use super::{
    discounts::{self, CartDiscounts},
    model::{Cart, CartLine},
};
use crate::{
    db::Exec,
    error::ApiError,
    pricing::{self, Breakdown, Charge, Rounding, TaxMode, TaxRounding},
    promotions::{Buyer, LimitCheck, PromotionCache},
    regions::{self, Location, RegionCache},
    shipping::{self, OptionCache, Parcel, ShippingOption, Unavailable},
    tax::{TaxProviders, TaxQuery, TaxUnavailable, Taxable},
};

/// What pricing a cart reads besides the cart: the shop's regions, shipping options and
/// promotions (kept a moment in memory, see `regions::RegionCache`) and its tax providers.
#[derive(Clone, Copy)]
pub struct PricingSetup<'a> {
    pub regions: &'a RegionCache,
    pub shipping: &'a OptionCache,
    pub promotions: &'a PromotionCache,
    pub taxes: &'a TaxProviders,
    /// Which promotions' total limits are looked at while pricing: every one for a cart; at
    /// checkout, whose hold counts them, only the automatic ones.
    pub limits: LimitCheck,
}

pub struct Totals {
    /// `None` until the cart has a shipping address.
    pub location: Option<Location>,
    pub shipping: Shipping,
    /// One priced item per cart line, in order (a line no longer for sale is priced at 0).
    pub breakdown: Breakdown,
    pub tax: TaxStatus,
    pub discounts: CartDiscounts,
}

pub enum Shipping {
    /// Nothing in the cart needs shipping (gift cards, downloads).
    NotNeeded,
    /// No region yet: no address, or none covers it.
    Unknown,
    /// What the cart ships by, at `price` for this cart: the shopper's choice, or (`chosen:
    /// false`) the region's first option that can take the cart.
    By { option: ShippingOption, price: i64, chosen: bool },
    /// The shopper's choice can no longer take the cart; checkout refuses it.
    Unavailable { option_id: String, option: Option<ShippingOption>, reason: Unavailable },
    /// No option of the region can take the cart (none enabled, or it is over every limit).
    NoneAvailable,
}

pub enum TaxStatus {
    /// No region: the store has none yet (so no tax), or the address is not placed.
    NotApplicable,
    Calculated {
        provider: String,
    },
    /// The provider did not answer; the cart shows its amounts without tax and checkout refuses.
    Unavailable(TaxUnavailable),
}

/// Prices `cart` as it stands, its address, chosen option and promotions included, for `buyer`
/// (the cart's customer; at checkout, with the email). Promotions are worked out twice: first
/// without shipping, so that a free-shipping threshold measured after discounts sees the item
/// discounts, then with the shipping charge, for the shipping promotions.
pub async fn price_cart(
    mut db: impl Exec,
    setup: PricingSetup<'_>,
    cart: &Cart,
    buyer: Buyer<'_>,
) -> Result<Totals, ApiError> {
    let location = match &cart.shipping_address {
        Some(a) => Some(regions::locate(&mut db, setup.regions, &a.country, a.province.as_deref()).await?),
        None => None,
    };
    let offers = discounts::offers(&mut db, setup.promotions, cart, buyer, setup.limits).await?;
    let signed_in = cart.customer_id.is_some() || buyer.customer_id.is_some();
    let items_only = discounts::discounts(cart, &offers, None, signed_in);
    let shipping = match (&location, parcel(cart, &items_only.line_discounts)) {
        (_, None) => Shipping::NotNeeded,
        (Some(Location::In(region)), Some(parcel)) => {
            let options = shipping::options_in_region(&mut db, setup.shipping, &region.id).await?;
            choose(&mut db, cart.shipping_option_id.as_deref(), &options, &parcel).await?
        }
        _ => Shipping::Unknown,
    };
    let shipping_price = match &shipping {
        Shipping::By { price, .. } => Some(*price),
        _ => None,
    };
    let discounts = discounts::discounts(cart, &offers, shipping_price, signed_in);
    let items: Vec<Taxable> = cart
        .lines
        .iter()
        .zip(&discounts.line_discounts)
        .map(|(l, &discount)| Taxable {
            amount: if l.purchasable { l.line_total() } else { 0 },
            discount,
            tax_class: l.tax_class.clone(),
        })
        .collect();
    let shipping_charge = match &shipping {
        Shipping::By { option, price, .. } => Some(Taxable {
            amount: *price,
            discount: discounts.shipping_discount,
            tax_class: option.tax_class.clone(),
        }),
        _ => None,
    };
    let (breakdown, tax) = match &location {
        Some(Location::In(region)) => {
            let province = cart.shipping_address.as_ref().and_then(|a| a.province.as_deref());
            let query = TaxQuery { region, province, items: &items, shipping: shipping_charge.as_ref() };
            match setup.taxes.calculate(query).await {
                Ok(breakdown) => (breakdown, TaxStatus::Calculated { provider: region.tax_provider.clone() }),
                Err(e) => (untaxed(&items, shipping_charge.as_ref()), TaxStatus::Unavailable(e)),
            }
        }
        _ => (untaxed(&items, None), TaxStatus::NotApplicable),
    };
    Ok(Totals { location, shipping, breakdown, tax, discounts })
}

/// The lines that need shipping, as shipping options measure them (with what promotions take
/// off them); `None` when there are none.
fn parcel(cart: &Cart, discounts: &[i64]) -> Option<Parcel> {
    let shipped: Vec<(&CartLine, i64)> = cart
        .lines
        .iter()
        .zip(discounts.iter().copied().chain(std::iter::repeat(0)))
        .filter(|(l, _)| l.purchasable && l.requires_shipping)
        .collect();
    (!shipped.is_empty()).then(|| Parcel {
        subtotal: shipped.iter().map(|(l, _)| l.line_total()).sum(),
        discount: shipped.iter().map(|(_, d)| d).sum(),
        weight: shipped.iter().map(|(l, _)| l.weight * l.quantity).sum(),
    })
}

/// The options of the cart's region that can take it now, each with its price for it, in the
/// order shoppers see them. Empty without a placed address or without anything to ship.
pub async fn eligible_options(
    mut db: impl Exec,
    setup: PricingSetup<'_>,
    cart: &Cart,
    buyer: Buyer<'_>,
) -> Result<Vec<(ShippingOption, i64)>, ApiError> {
    let Some(address) = &cart.shipping_address else { return Ok(Vec::new()) };
    let offers = discounts::offers(&mut db, setup.promotions, cart, buyer, setup.limits).await?;
    let signed_in = cart.customer_id.is_some() || buyer.customer_id.is_some();
    let items_only = discounts::discounts(cart, &offers, None, signed_in);
    let Some(parcel) = parcel(cart, &items_only.line_discounts) else { return Ok(Vec::new()) };
    let Location::In(region) =
        regions::locate(&mut db, setup.regions, &address.country, address.province.as_deref()).await?
    else {
        return Ok(Vec::new());
    };
    let options = shipping::options_in_region(&mut db, setup.shipping, &region.id).await?;
    Ok(options
        .into_iter()
        .filter_map(|o| shipping::quote(&o, &parcel).ok().map(|price| (o, price)))
        .collect())
}

/// The shopper's choice if it can take the parcel; without one, the first option that can.
async fn choose(
    db: impl Exec,
    chosen: Option<&str>,
    options: &[ShippingOption],
    parcel: &Parcel,
) -> Result<Shipping, ApiError> {
    let Some(id) = chosen else {
        return Ok(options
            .iter()
            .find_map(|o| shipping::quote(o, parcel).ok().map(|price| (o, price)))
            .map_or(Shipping::NoneAvailable, |(o, price)| Shipping::By {
                option: o.clone(),
                price,
                chosen: false,
            }));
    };
    if let Some(option) = options.iter().find(|o| o.id == id) {
        return Ok(match shipping::quote(option, parcel) {
            Ok(price) => Shipping::By { option: option.clone(), price, chosen: true },
            Err(reason) => {
                Shipping::Unavailable { option_id: id.to_owned(), option: Some(option.clone()), reason }
            }
        });
    }
    // Not one of the region's: of another region (the address moved), or gone.
    let reason = match shipping::find_option(db, id).await {
        Ok(_) => Unavailable::OtherRegion,
        Err(e) if e.code() == "not_found" => Unavailable::Deleted,
        Err(e) => return Err(e),
    };
    Ok(Shipping::Unavailable { option_id: id.to_owned(), option: None, reason })
}

/// The amounts without tax: a store without regions, or a provider that did not answer.
fn untaxed(items: &[Taxable], shipping: Option<&Taxable>) -> Breakdown {
    let charge = |t: &Taxable| Charge { amount: t.amount, discount: t.discount, rates: Vec::new() };
    let items: Vec<Charge> = items.iter().map(charge).collect();
    let shipping = shipping.map(charge);
    pricing::price(&items, shipping.as_ref(), TaxMode::Exclusive, TaxRounding::PerLine, Rounding::HalfUp)
}

/// Whether an address at `location` can be shipped to; if not, the `400` naming its `country` or
/// `province` under `prefix` (`""`, or `shipping_address.` at checkout).
pub fn check_placed(location: &Location, prefix: &str) -> Result<(), ApiError> {
    match location {
        Location::Outside => Err(ApiError::field(
            format!("{prefix}country"),
            "is not a country (or province) the shop ships to",
        )),
        Location::NeedsProvince => Err(ApiError::field(
            format!("{prefix}province"),
            "is required: the shop ships to some provinces of this country",
        )),
        Location::In(_) | Location::Unset => Ok(()),
    }
}

impl Totals {
    /// Whether checkout may charge these totals; if not, the stable error that says why.
    /// Address problems are named under `field` (`shipping_address`).
    pub fn check_ready(&self, field: &str) -> Result<(), ApiError> {
        if let Some(location) = &self.location {
            check_placed(location, &format!("{field}."))?;
        }
        match &self.shipping {
            Shipping::Unavailable { option_id, reason, .. } => {
                return Err(ApiError::conflict(
                    "shipping_option_unavailable",
                    "The chosen shipping option can no longer take this cart. Choose another.",
                )
                .with_extension("shipping_option_id", option_id.as_str())
                .with_extension("reason", reason.code()));
            }
            Shipping::NoneAvailable => {
                return Err(ApiError::conflict(
                    "no_shipping_option",
                    "No shipping option can take this cart to this address.",
                ));
            }
            _ => {}
        }
        if let TaxStatus::Unavailable(_) = self.tax {
            return Err(ApiError::tax_unavailable());
        }
        Ok(())
    }
}
