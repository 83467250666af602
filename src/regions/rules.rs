//! A region's own rules, apart from the database: what its territories and rates may be, and
//! which rates apply to an amount.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Region, TaxRate, Territory};
use crate::{
    pricing::Rate,
    validate::{self, Validator},
};

/// A country, whole, or only the listed provinces of it, as an admin wrote it.
pub struct CountryInput {
    pub code: String,
    pub provinces: Option<Vec<String>>,
}

/// A tax rate as an admin wrote it.
pub struct TaxRateInput {
    pub tax_class: String,
    pub province: Option<String>,
    pub name: String,
    pub rate_bps: i64,
}

/// Classes whose rate is zero whatever a region says: `exempt` has no tax at all, `zero` a 0% rate.
const ALWAYS_ZERO: [&str; 2] = ["zero", "exempt"];

/// The fallback class: a class with no rates of its own in a region is taxed as `standard`.
const STANDARD: &str = "standard";

/// The code of the territory that is every country no other region has: a "rest of the world"
/// region, for a shop that ships anywhere.
pub const REST_OF_WORLD: &str = "*";

/// A country's ISO code, or `*` for the rest of the world.
fn country_code(code: &str) -> Result<String, String> {
    if code.trim() == REST_OF_WORLD {
        return Ok(REST_OF_WORLD.to_owned());
    }
    validate::country(code).map_err(|e| format!("{e}, or `*` for every country no other region has"))
}

/// The territories the countries describe, sorted; each mistake is recorded in `v`.
pub fn territories(v: &mut Validator, countries: &[CountryInput]) -> Vec<Territory> {
    if v.check("countries", validate::at_most(countries, 250)).is_none() {
        return Vec::new();
    }
    if countries.is_empty() {
        v.check::<()>("countries", Err("must name at least one country".into()));
    }
    let mut found: BTreeSet<Territory> = BTreeSet::new();
    let mut whole: BTreeSet<String> = BTreeSet::new();
    for (i, c) in countries.iter().enumerate() {
        let Some(country) = v.check(&format!("countries[{i}].code"), country_code(&c.code)) else {
            continue;
        };
        if country == REST_OF_WORLD && c.provinces.is_some() {
            v.check::<()>(&format!("countries[{i}].provinces"), Err("cannot be given for `*`".into()));
            continue;
        }
        match &c.provinces {
            None => {
                whole.insert(country.clone());
                if !found.insert(Territory { country, province: None }) {
                    v.check::<()>(&format!("countries[{i}].code"), Err("is listed twice".into()));
                }
            }
            Some(provinces) if provinces.is_empty() => {
                v.check::<()>(
                    &format!("countries[{i}].provinces"),
                    Err("must name at least one province, or be left out for the whole country".into()),
                );
            }
            Some(provinces) => {
                for (j, p) in provinces.iter().enumerate() {
                    let field = format!("countries[{i}].provinces[{j}]");
                    let Some(province) = v.check(&field, validate::province(p)) else { continue };
                    if !found.insert(Territory { country: country.clone(), province: Some(province) }) {
                        v.check::<()>(&field, Err("is listed twice".into()));
                    }
                }
            }
        }
    }
    for t in &found {
        if t.province.is_some() && whole.contains(&t.country) {
            v.check::<()>(
                "countries",
                Err(format!("{} is inside {}, which is listed whole", territory_name(t), t.country)),
            );
        }
    }
    found.into_iter().collect()
}

/// The rates as given, checked: each within 0–100%, a class's rates adding up to at most 100% in
/// every province, no rate twice, and a province only where the region reaches.
pub fn rates(v: &mut Validator, inputs: &[TaxRateInput], territories: &[Territory]) -> Vec<TaxRate> {
    if v.check("tax_rates", validate::at_most(inputs, 200)).is_none() {
        return Vec::new();
    }
    let mut rates = Vec::new();
    for (i, r) in inputs.iter().enumerate() {
        let class = v.check(&format!("tax_rates[{i}].tax_class"), tax_class_code(&r.tax_class));
        let province = match &r.province {
            Some(p) => v.check(&format!("tax_rates[{i}].province"), validate::province(p)).map(Some),
            None => Some(None),
        };
        let name = v.check(&format!("tax_rates[{i}].name"), validate::text(&r.name, 1, 100));
        let bps = v.check(
            &format!("tax_rates[{i}].rate_bps"),
            u32::try_from(r.rate_bps)
                .ok()
                .filter(|b| *b <= 10_000)
                .ok_or_else(|| "must be between 0 and 10000 (basis points: 1900 is 19%)".to_owned()),
        );
        if let (Some(tax_class), Some(province), Some(name), Some(rate_bps)) = (class, province, name, bps) {
            if ALWAYS_ZERO.contains(&tax_class.as_str()) && rate_bps != 0 {
                v.check::<()>(
                    &format!("tax_rates[{i}].rate_bps"),
                    Err(format!("must be 0: `{tax_class}` is never taxed")),
                );
            }
            let rate = TaxRate { tax_class, province, name, rate_bps };
            if rates.iter().any(|o: &TaxRate| {
                o.tax_class == rate.tax_class && o.province == rate.province && o.name == rate.name
            }) {
                v.check::<()>(
                    &format!("tax_rates[{i}].name"),
                    Err("is already a rate of this class and province".into()),
                );
            }
            rates.push(rate);
        }
    }
    check_rates_cover(v, &rates, territories);
    // Per class and province, what applies adds up to at most 100%: the region-wide rates plus
    // the province's own.
    let mut sums: BTreeMap<(&str, Option<&str>), u32> = BTreeMap::new();
    for r in &rates {
        *sums.entry((r.tax_class.as_str(), r.province.as_deref())).or_default() += r.rate_bps;
    }
    for (&(class, province), &sum) in &sums {
        let wide = sums.get(&(class, None)).copied().unwrap_or(0);
        let total = if province.is_some() { wide + sum } else { sum };
        if total > 10_000 {
            let place = province.map(|p| format!(" in {p}")).unwrap_or_default();
            v.check::<()>(
                "tax_rates",
                Err(format!("the rates of `{class}`{place} add up to more than 100%")),
            );
        }
    }
    rates
}

/// A rate for a province the region does not reach would never apply: a mistake.
pub fn check_rates_cover(v: &mut Validator, rates: &[TaxRate], territories: &[Territory]) {
    for (i, r) in rates.iter().enumerate() {
        let Some(province) = &r.province else { continue };
        let reached = territories
            .iter()
            .any(|t| t.province.is_none() || t.province.as_deref() == Some(province.as_str()));
        if !reached {
            v.check::<()>(
                &format!("tax_rates[{i}].province"),
                Err(format!("{province} is not in this region")),
            );
        }
    }
}

/// A tax class's code: lower-case letters, digits, `-` and `_`, starting with a letter.
pub fn tax_class_code(value: &str) -> Result<String, String> {
    let code = value.trim();
    let ok = (1..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(code.to_owned())
    } else {
        Err("must be 1–40 lower-case letters, digits, `-` or `_`, starting with a letter".into())
    }
}

/// `DE`, or `US-CA` for a province.
pub fn territory_name(t: &Territory) -> String {
    match &t.province {
        Some(p) => format!("{}-{p}", t.country),
        None => t.country.clone(),
    }
}

/// The rates an amount of `tax_class` pays in `region` for an address in `province`: the
/// class's region-wide rates and its province's, in the order the region lists them. A class
/// the region gives no rates is taxed as `standard`; `exempt` pays nothing, not even a 0% line.
pub fn rates_for(region: &Region, tax_class: &str, province: Option<&str>) -> Vec<Rate> {
    if tax_class == "exempt" {
        return Vec::new();
    }
    let of = |class: &str| -> Vec<Rate> {
        region
            .tax_rates
            .iter()
            .filter(|r| r.tax_class == class && (r.province.is_none() || r.province.as_deref() == province))
            .map(|r| Rate { name: r.name.clone(), bps: r.rate_bps })
            .collect()
    };
    let has_own = region.tax_rates.iter().any(|r| r.tax_class == tax_class);
    if has_own || ALWAYS_ZERO.contains(&tax_class) { of(tax_class) } else { of(STANDARD) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::{Rounding, TaxMode, TaxRounding};

    fn us() -> Region {
        let rate = |class: &str, province: Option<&str>, name: &str, bps| TaxRate {
            tax_class: class.to_owned(),
            province: province.map(str::to_owned),
            name: name.to_owned(),
            rate_bps: bps,
        };
        Region {
            id: "reg_1".into(),
            name: "United States".into(),
            currency: "usd".into(),
            territories: vec![Territory { country: "US".into(), province: None }],
            tax_mode: TaxMode::Exclusive,
            tax_rounding: TaxRounding::PerLine,
            rounding: Rounding::HalfUp,
            tax_provider: "table".into(),
            tax_rates: vec![
                rate("standard", Some("CA"), "CA state tax", 725),
                rate("standard", Some("NY"), "NY state tax", 400),
                rate("standard", Some("NY"), "NYC tax", 450),
                rate("reduced", Some("CA"), "CA reduced", 0),
            ],
            created_at: 0,
            updated_at: 0,
        }
    }

    fn names(rates: &[Rate]) -> Vec<(&str, u32)> {
        rates.iter().map(|r| (r.name.as_str(), r.bps)).collect()
    }

    #[test]
    fn an_address_pays_its_provinces_rates_of_its_class() {
        let us = us();
        assert_eq!(names(&rates_for(&us, "standard", Some("NY"))), [("NY state tax", 400), ("NYC tax", 450)]);
        assert_eq!(names(&rates_for(&us, "standard", Some("OR"))), []);
        assert_eq!(names(&rates_for(&us, "reduced", Some("CA"))), [("CA reduced", 0)]);
        // No rates of its own: taxed as standard, never silently at nothing.
        assert_eq!(names(&rates_for(&us, "books", Some("CA"))), [("CA state tax", 725)]);
        assert_eq!(names(&rates_for(&us, "exempt", Some("CA"))), []);
        assert_eq!(names(&rates_for(&us, "zero", Some("CA"))), []);
    }

    #[test]
    fn rates_over_a_hundred_percent_or_outside_the_region_are_refused() {
        let input = |class: &str, province: Option<&str>, bps| TaxRateInput {
            tax_class: class.into(),
            province: province.map(str::to_owned),
            name: format!("{class} {bps}"),
            rate_bps: bps,
        };
        let territories = [Territory { country: "US".into(), province: Some("CA".into()) }];
        let mut v = Validator::new();
        rates(&mut v, &[input("standard", None, 6_000), input("standard", Some("CA"), 5_000)], &territories);
        assert!(v.finish().is_err(), "60% region-wide plus 50% in CA");
        let mut v = Validator::new();
        rates(&mut v, &[input("standard", Some("NY"), 400)], &territories);
        assert!(v.finish().is_err(), "NY is not in a region of CA alone");
        let mut v = Validator::new();
        rates(&mut v, &[input("exempt", None, 100)], &territories);
        assert!(v.finish().is_err(), "exempt is never taxed");
        let mut v = Validator::new();
        rates(&mut v, &[input("standard", None, 10_001)], &territories);
        assert!(v.finish().is_err());
        let mut v = Validator::new();
        let ok = rates(
            &mut v,
            &[input("standard", None, 4_000), input("standard", Some("CA"), 6_000)],
            &territories,
        );
        assert!(v.finish().is_ok() && ok.len() == 2, "exactly 100% is allowed");
    }
}
