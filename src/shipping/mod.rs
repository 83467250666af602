//! Shipping (issue 21): each region's ways to ship an order and what they cost. An option
//! charges a flat amount or by tiers of the items' subtotal or weight, may ship free from a
//! subtotal measured before or after discounts, and is taxed by its own tax class. `quote`
//! prices an option for a cart, or says why the cart cannot use it.

pub mod model;
mod quote;
pub mod routes;
mod rules;
mod store;
pub mod views;

pub use model::{FreeOver, FreeOverBasis, PriceType, ShippingOption, ShippingPrice, Tier};
pub use quote::{Parcel, Unavailable, quote};
pub use rules::{OptionInput, TierInput};

use std::collections::HashMap;

use crate::{
    db::{Db, Exec, is_unique_violation, retry_transient},
    error::{ApiError, FieldError},
    ids,
    recent::RecentValue,
    regions, time,
};

/// Every region's options, as carts price them: read once and kept a moment, like
/// `regions::RegionCache` (and forgotten with it on an admin write).
pub type OptionCache = RecentValue<HashMap<String, Vec<ShippingOption>>>;

/// Most options a region may have: a shopper chooses from a short list, and every cart read
/// prices them all.
pub const MAX_OPTIONS_PER_REGION: i64 = 50;

/// A new option in region `region_id`; money sent as objects must be in `currency`.
pub async fn create_option(
    db: &Db,
    currency: &str,
    region_id: &str,
    input: OptionInput,
) -> Result<ShippingOption, ApiError> {
    let now = time::now_ms();
    let base = ShippingOption {
        id: ids::new_id("ship"),
        region_id: region_id.to_owned(),
        name: String::new(),
        price: ShippingPrice::Flat(0),
        free_over: None,
        tax_class: "standard".to_owned(),
        enabled: true,
        position: 0,
        created_at: now,
        updated_at: now,
    };
    let option = &rules::apply(&input, base, true, currency)?;
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        regions::find_region(&mut tx, region_id).await?;
        if store::count_in_region(&mut tx, region_id).await? >= MAX_OPTIONS_PER_REGION {
            return Err(ApiError::conflict(
                "too_many_shipping_options",
                format!("A region can have at most {MAX_OPTIONS_PER_REGION} shipping options."),
            ));
        }
        check_tax_class(&mut tx, &option.tax_class).await?;
        store::insert(&mut tx, option).await.map_err(name_conflict)?;
        tx.commit().await?;
        Ok(option.clone())
    })
    .await
}

pub async fn update_option(
    db: &Db,
    currency: &str,
    id: &str,
    input: OptionInput,
) -> Result<ShippingOption, ApiError> {
    let input = &input;
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        let current = store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        let mut option = rules::apply(input, current, false, currency)?;
        option.updated_at = time::now_ms();
        check_tax_class(&mut tx, &option.tax_class).await?;
        store::update(&mut tx, &option).await.map_err(name_conflict)?;
        tx.commit().await?;
        Ok(option)
    })
    .await
}

/// Carts that chose it see it as unavailable (`deleted`) from their next read.
pub async fn delete_option(db: &Db, id: &str) -> Result<(), ApiError> {
    if store::delete(db, id).await? { Ok(()) } else { Err(ApiError::not_found()) }
}

pub async fn find_option(db: impl Exec, id: &str) -> Result<ShippingOption, ApiError> {
    store::find(db, id).await?.ok_or_else(ApiError::not_found)
}

/// A region's options, enabled or not, in the order shoppers see them; `404` without the region.
pub async fn region_options(db: &Db, region_id: &str) -> Result<Vec<ShippingOption>, ApiError> {
    let mut tx = db.begin().await?;
    regions::find_region(&mut tx, region_id).await?;
    let options = store::in_region(&mut tx, region_id).await?;
    tx.commit().await?;
    Ok(options)
}

/// A region's options as a cart reads them (the cart prices each with `quote`).
pub async fn options_in_region(
    db: impl Exec,
    cache: &OptionCache,
    region_id: &str,
) -> Result<Vec<ShippingOption>, ApiError> {
    let all = cache.get(|| store::all_by_region(db)).await?;
    Ok(all.get(region_id).cloned().unwrap_or_default())
}

async fn check_tax_class(db: impl Exec, code: &str) -> Result<(), ApiError> {
    if regions::unknown_tax_classes(db, &[code]).await?.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(vec![FieldError {
            field: "tax_class".into(),
            message: "is not a tax class".into(),
        }]))
    }
}

fn name_conflict(e: crate::db::Error) -> ApiError {
    if is_unique_violation(&e, &["shipping_options_name_unique", "shipping_options.name"]) {
        ApiError::conflict(
            "shipping_option_name_taken",
            "Another shipping option of this region has this name.",
        )
    } else {
        e.into()
    }
}
