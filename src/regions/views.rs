//! How a region is shown: to admins whole, to shoppers (`GET /v1/regions`) without its rates.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Region, TaxClass, TaxRate, Territory};
use crate::pricing::{Rounding, TaxMode, TaxRounding};

#[derive(Debug, Serialize, ToSchema)]
pub struct CountryView {
    /// ISO 3166-1 alpha-2.
    #[schema(example = "US")]
    pub code: String,
    /// The provinces of the country the region covers (ISO 3166-2 subdivision codes, `CA` for
    /// US-CA), or null when it covers the whole country.
    pub provinces: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRateView {
    #[schema(example = "standard")]
    pub tax_class: String,
    /// The province it applies in, or null for the whole region.
    pub province: Option<String>,
    #[schema(example = "VAT")]
    pub name: String,
    /// Basis points: 1900 is 19.00%.
    #[schema(example = 1900)]
    pub rate_bps: u32,
}

/// A region as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    #[schema(example = "reg_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub name: String,
    #[schema(example = "usd")]
    pub currency: String,
    pub countries: Vec<CountryView>,
    pub tax_mode: TaxMode,
    /// Whether prices shown in the region include its tax (`tax_mode` is `inclusive`).
    pub tax_inclusive: bool,
    pub tax_rounding: TaxRounding,
    pub rounding: Rounding,
    /// What computes the region's tax: `table` (its `tax_rates`).
    #[schema(example = "table")]
    pub tax_provider: String,
    pub tax_rates: Vec<TaxRateView>,
    pub created_at: String,
    pub updated_at: String,
}

/// A region as shoppers see it: where it is and whether its prices include tax.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicRegionView {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub countries: Vec<CountryView>,
    pub tax_inclusive: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxClassView {
    #[schema(example = "reduced")]
    pub code: String,
    pub name: String,
}

/// Territories (sorted by country) as countries, each whole or with its provinces.
fn countries(territories: Vec<Territory>) -> Vec<CountryView> {
    let mut out: Vec<CountryView> = Vec::new();
    for t in territories {
        match (out.last_mut(), t.province) {
            (Some(last), Some(p)) if last.code == t.country => {
                last.provinces.get_or_insert_with(Vec::new).push(p)
            }
            (_, province) => out.push(CountryView { code: t.country, provinces: province.map(|p| vec![p]) }),
        }
    }
    out
}

impl From<TaxRate> for TaxRateView {
    fn from(r: TaxRate) -> Self {
        Self { tax_class: r.tax_class, province: r.province, name: r.name, rate_bps: r.rate_bps }
    }
}

impl From<Region> for RegionView {
    fn from(r: Region) -> Self {
        Self {
            id: r.id,
            name: r.name,
            currency: r.currency,
            countries: countries(r.territories),
            tax_inclusive: r.tax_mode == TaxMode::Inclusive,
            tax_mode: r.tax_mode,
            tax_rounding: r.tax_rounding,
            rounding: r.rounding,
            tax_provider: r.tax_provider,
            tax_rates: r.tax_rates.into_iter().map(Into::into).collect(),
            created_at: crate::time::rfc3339(r.created_at),
            updated_at: crate::time::rfc3339(r.updated_at),
        }
    }
}

impl From<Region> for PublicRegionView {
    fn from(r: Region) -> Self {
        Self {
            id: r.id,
            name: r.name,
            currency: r.currency,
            countries: countries(r.territories),
            tax_inclusive: r.tax_mode == TaxMode::Inclusive,
        }
    }
}

impl From<TaxClass> for TaxClassView {
    fn from(c: TaxClass) -> Self {
        Self { code: c.code, name: c.name }
    }
}
