//! Regions: where a shipping address is, and so how its order is taxed (issue 21). A region
//! covers whole countries or some provinces of them, says whether its prices include tax and how
//! tax is rounded, and holds its tax rates by tax class. A country or province is in one region
//! at most, so an address never has two.

pub mod model;
pub mod routes;
mod rules;
mod store;
pub mod views;

pub use model::{BUILT_IN_TAX_CLASSES, Region, TABLE_PROVIDER, TaxClass, TaxRate, Territory};
pub use rules::{CountryInput, TaxRateInput, rates_for, tax_class_code};

use crate::{
    db::{Db, is_unique_violation, retry_transient},
    error::{ApiError, FieldError},
    ids,
    page::PageRequest,
    pricing::{Rounding, TaxMode, TaxRounding},
    recent::RecentValue,
    time,
    validate::{self, Validator},
};

/// Every region, as carts and checkouts place addresses in them: read once and kept a moment
/// (the catalog cache's TTL, 1 s by default) instead of on every cart read and checkout. Admin
/// writes through this process forget it at once; one through another process shows within the
/// TTL, as in the catalog. An order keeps a copy of the rates it was charged by.
pub type RegionCache = RecentValue<Vec<Region>>;

/// A region as an admin describes it; on a change, `None` keeps a field and a list replaces
/// the whole list.
#[derive(Default)]
pub struct RegionInput {
    pub name: Option<String>,
    pub countries: Option<Vec<CountryInput>>,
    pub tax_mode: Option<TaxMode>,
    pub tax_rounding: Option<TaxRounding>,
    pub rounding: Option<Rounding>,
    pub tax_rates: Option<Vec<TaxRateInput>>,
}

pub async fn create_region(db: &Db, currency: &str, input: RegionInput) -> Result<Region, ApiError> {
    let mut v = Validator::new();
    let name = v.check(
        "name",
        input.name.as_deref().map_or(Err("is required".into()), |n| validate::text(n, 1, 100)),
    );
    let territories = match &input.countries {
        Some(countries) => rules::territories(&mut v, countries),
        None => {
            v.check::<()>("countries", Err("is required".into()));
            Vec::new()
        }
    };
    let tax_mode = v.check("tax_mode", input.tax_mode.ok_or_else(|| "is required".to_owned()));
    let rates = rules::rates(&mut v, input.tax_rates.as_deref().unwrap_or_default(), &territories);
    v.finish()?;
    let now = time::now_ms();
    let region = Region {
        id: ids::new_id("reg"),
        name: name.unwrap_or_default(),
        currency: currency.to_owned(),
        territories,
        tax_mode: tax_mode.unwrap_or(TaxMode::Exclusive),
        tax_rounding: input.tax_rounding.unwrap_or_default(),
        rounding: input.rounding.unwrap_or_default(),
        tax_provider: TABLE_PROVIDER.to_owned(),
        tax_rates: rates,
        created_at: now,
        updated_at: now,
    };
    let region = &region;
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        check_against_others(&mut tx, region).await?;
        store::insert_region(&mut tx, region).await.map_err(write_conflict)?;
        tx.commit().await?;
        Ok(region.clone())
    })
    .await
}

pub async fn update_region(db: &Db, id: &str, input: RegionInput) -> Result<Region, ApiError> {
    let mut v = Validator::new();
    let name = input.name.as_deref().and_then(|n| v.check("name", validate::text(n, 1, 100)));
    let territories = input.countries.as_deref().map(|c| rules::territories(&mut v, c));
    v.finish()?;
    let (name, territories, input) = (&name, &territories, &input);
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        let mut region = store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        if let Some(name) = name {
            region.name.clone_from(name);
        }
        if let Some(territories) = territories {
            region.territories.clone_from(territories);
        }
        region.tax_mode = input.tax_mode.unwrap_or(region.tax_mode);
        region.tax_rounding = input.tax_rounding.unwrap_or(region.tax_rounding);
        region.rounding = input.rounding.unwrap_or(region.rounding);
        // The rates are checked against the territories the region will have.
        let mut v = Validator::new();
        if let Some(rates) = &input.tax_rates {
            region.tax_rates = rules::rates(&mut v, rates, &region.territories);
        } else {
            rules::check_rates_cover(&mut v, &region.tax_rates, &region.territories);
        }
        v.finish()?;
        region.updated_at = time::now_ms();
        check_against_others(&mut tx, &region).await?;
        let written = async {
            store::update_region(&mut tx, &region).await?;
            if territories.is_some() {
                store::replace_territories(&mut tx, id, &region.territories).await?;
            }
            if input.tax_rates.is_some() {
                store::replace_rates(&mut tx, id, &region.tax_rates).await?;
            }
            Ok::<_, crate::db::Error>(())
        };
        written.await.map_err(write_conflict)?;
        tx.commit().await?;
        Ok(region)
    })
    .await
}

pub async fn delete_region(db: &Db, id: &str) -> Result<(), ApiError> {
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        if !store::delete(&mut tx, id).await? {
            return Err(ApiError::not_found());
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Where an address is, as far as tax and shipping go.
#[derive(Debug, Clone)]
pub enum Location {
    /// The store has no regions yet: it charges neither tax nor shipping.
    Unset,
    /// In this region.
    In(Region),
    /// The address needs its province (state) to be placed: regions cover only some provinces
    /// of its country.
    NeedsProvince,
    /// No region covers it: the shop does not ship there.
    Outside,
}

/// The region of an address in `country` (ISO alpha-2) and `province` (ISO 3166-2 subdivision,
/// without the country): its province's, else its whole country's, else the rest of the
/// world's. An address without a province in a country that regions cover only by province
/// cannot be placed. Without a province, a region that taxes provinces apart applies its
/// region-wide rates only: the storefront asks for the province where the region lists any.
/// The region comes with its rates and, of its territories, those in `country` or the rest of
/// the world.
pub async fn locate(
    db: impl crate::db::Exec,
    cache: &RegionCache,
    country: &str,
    province: Option<&str>,
) -> Result<Location, ApiError> {
    let all = cache.get(|| store::all(db)).await?;
    let covering = |wanted: &Territory| all.iter().find(|r| r.territories.contains(wanted));
    let own = |p: Option<&str>| {
        covering(&Territory { country: country.to_owned(), province: p.map(str::to_owned) })
    };
    let by_province =
        all.iter().flat_map(|r| &r.territories).any(|t| t.country == country && t.province.is_some());
    let found = match province.and_then(|p| own(Some(p))).or_else(|| own(None)) {
        Some(region) => Some(region),
        None if province.is_none() && by_province => return Ok(Location::NeedsProvince),
        None => covering(&Territory { country: rules::REST_OF_WORLD.to_owned(), province: None }),
    };
    match found {
        Some(region) => {
            let mut region = region.clone();
            region.territories.retain(|t| t.country == country || t.country == rules::REST_OF_WORLD);
            Ok(Location::In(region))
        }
        None if !all.is_empty() => Ok(Location::Outside),
        None => Ok(Location::Unset),
    }
}

pub async fn find_region(db: impl crate::db::Exec, id: &str) -> Result<Region, ApiError> {
    store::find(db, id).await?.ok_or_else(ApiError::not_found)
}

pub async fn list_regions(db: &Db, page: &PageRequest) -> Result<Vec<Region>, ApiError> {
    Ok(store::list(db, page).await?)
}

pub async fn tax_classes(db: &Db) -> Result<Vec<TaxClass>, ApiError> {
    Ok(store::tax_classes(db).await?)
}

/// Which of `codes` is not a tax class. The four built-in classes always exist (a tax class is
/// never deleted), so a lookup only happens for the others.
pub async fn unknown_tax_classes(db: impl crate::db::Exec, codes: &[&str]) -> Result<Vec<String>, ApiError> {
    let custom: Vec<&str> = codes.iter().copied().filter(|c| !BUILT_IN_TAX_CLASSES.contains(c)).collect();
    if custom.is_empty() {
        return Ok(Vec::new());
    }
    let known = store::tax_classes(db).await?;
    Ok(custom.into_iter().filter(|c| !known.iter().any(|k| k.code == *c)).map(str::to_owned).collect())
}

pub async fn create_tax_class(db: &Db, code: &str, name: &str) -> Result<TaxClass, ApiError> {
    let mut v = Validator::new();
    let code = v.check("code", rules::tax_class_code(code));
    let name = v.check("name", validate::text(name, 1, 100));
    v.finish()?;
    let class = TaxClass { code: code.unwrap_or_default(), name: name.unwrap_or_default() };
    match store::insert_tax_class(db, &class, time::now_ms()).await {
        // MySQL names only the key (`PRIMARY`); the code is this table's only key.
        Err(e) if is_unique_violation(&e, &["tax_classes", "PRIMARY"]) => {
            Err(ApiError::conflict("tax_class_taken", "A tax class with this code already exists."))
        }
        other => other.map(|()| class).map_err(Into::into),
    }
}

/// What the region's neighbours and the tax classes allow: no territory another region has, and
/// only tax classes that exist.
async fn check_against_others(tx: &mut crate::db::Tx, region: &Region) -> Result<(), ApiError> {
    let known: Vec<String> = store::tax_classes(&mut *tx).await?.into_iter().map(|c| c.code).collect();
    let unknown: Vec<FieldError> = region
        .tax_rates
        .iter()
        .enumerate()
        .filter(|(_, r)| !known.contains(&r.tax_class))
        .map(|(i, _)| FieldError {
            field: format!("tax_rates[{i}].tax_class"),
            message: format!("is not a tax class (one of: {})", known.join(", ")),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::validation(unknown));
    }
    let taken = store::taken_territories(&mut *tx, &region.id, &region.territories).await?;
    if taken.is_empty() {
        return Ok(());
    }
    let errors = taken
        .into_iter()
        .map(|(t, holder)| FieldError {
            field: "countries".to_owned(),
            message: format!("{} is already in the region {holder}", rules::territory_name(&t)),
        })
        .collect();
    Err(ApiError::conflict("territory_taken", "A country or province is already in another region.")
        .with_errors(errors))
}

/// A unique key the checks above could not see coming (another admin wrote in between).
fn write_conflict(e: crate::db::Error) -> ApiError {
    if is_unique_violation(&e, &["regions_name_unique", "regions.name"]) {
        ApiError::conflict("region_name_taken", "Another region already has this name.")
    } else if is_unique_violation(&e, &["region_territories", "PRIMARY"]) {
        // MySQL names only the key; the territories' is the only primary key a region's write
        // can repeat (every other row has a new random id).
        ApiError::conflict("territory_taken", "A country or province is already in another region.")
    } else {
        e.into()
    }
}
