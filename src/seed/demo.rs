//! The demo catalog, from `demo_catalog.toml` (compiled into the binary).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::rng::{Rng, SEED_ACTOR};
use crate::{
    catalog::{
        self, NewCategory, handle_from,
        products::{NewProduct, NewVariant, ProductStatus},
    },
    db::Db,
    pricing::TaxMode,
    promotions::{self, BenefitType, Class, Customers, PromotionInput, Trigger},
    regions::{self, CountryInput, RegionInput, TaxRateInput},
    shipping::{self, OptionInput, PriceType, TierInput},
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCatalog {
    categories: Vec<DemoCategory>,
    regions: Vec<DemoRegion>,
    promotions: Vec<DemoPromotion>,
    products: Vec<DemoProduct>,
}

/// A promotion, described as the admin API takes one (`category` by its handle).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoPromotion {
    name: String,
    class: Class,
    #[serde(rename = "type")]
    benefit_type: BenefitType,
    percentage_bps: Option<i64>,
    trigger: Trigger,
    code: Option<String>,
    category: Option<String>,
    min_subtotal: Option<i64>,
    #[serde(default)]
    customers: Customers,
    per_customer_limit: Option<i64>,
    combines_with: Vec<Class>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRegion {
    name: String,
    tax_mode: TaxMode,
    countries: Vec<DemoCountry>,
    rates: Vec<DemoRate>,
    shipping: Vec<DemoShipping>,
}

/// A shipping option: a flat `amount`, or `weight_tiers` of `[up to grams, amount]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoShipping {
    name: String,
    amount: Option<i64>,
    #[serde(default)]
    weight_tiers: Vec<(i64, i64)>,
    free_over: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCountry {
    code: String,
    provinces: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoRate {
    tax_class: String,
    province: Option<String>,
    name: String,
    rate_bps: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCategory {
    handle: String,
    name: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoProduct {
    title: String,
    category: String,
    price: i64,
    description: String,
    status: Option<ProductStatus>,
    #[serde(default)]
    options: BTreeMap<String, Vec<String>>,
    /// Grams, per unit.
    weight: Option<i64>,
    tax_class: Option<String>,
    requires_shipping: Option<bool>,
}

pub struct DemoReport {
    pub categories: usize,
    pub products: usize,
    pub regions: usize,
    pub promotions: usize,
}

/// Loads the demo catalog into an empty store. Refuses when products exist, so it never
/// mixes with a real catalog.
/// Prices are in minor units of `currency`, the store's.
pub async fn seed_demo(db: &Db, currency: &str) -> Result<DemoReport, String> {
    let demo: DemoCatalog = toml::from_str(include_str!("demo_catalog.toml"))
        .map_err(|e| format!("the demo catalog is invalid: {e}"))?;
    if catalog::products::any_product(db).await.map_err(|e| e.to_string())? {
        return Err("the store already has products; the demo catalog only goes into an empty store".into());
    }
    // Regions first: one that cannot be made (its country already in a region of the shop's own)
    // stops the demo before anything of the catalog is written.
    for r in &demo.regions {
        let region = regions::create_region(db, currency, region_input(r))
            .await
            .map_err(|e| format!("region {}: {e}", r.name))?;
        for (position, s) in (0..).zip(&r.shipping) {
            let input = OptionInput {
                name: Some(s.name.clone()),
                price_type: Some(if s.amount.is_some() { PriceType::Flat } else { PriceType::WeightTiers }),
                amount: s.amount.map(Into::into),
                tiers: s.amount.is_none().then(|| {
                    let tier = |&(up_to, amount): &(i64, i64)| TierInput {
                        up_to: Some(up_to),
                        amount: amount.into(),
                    };
                    s.weight_tiers.iter().map(tier).collect()
                }),
                free_over: s.free_over.map(|f| Some(f.into())),
                position: Some(position),
                ..OptionInput::default()
            };
            shipping::create_option(db, currency, &region.id, input)
                .await
                .map_err(|e| format!("shipping option {} in {}: {e}", s.name, r.name))?;
        }
    }
    let mut category_ids = BTreeMap::new();
    for c in &demo.categories {
        let parent_id = c.parent.as_ref().and_then(|p| category_ids.get(p).cloned());
        let input = NewCategory { name: c.name.clone(), handle: Some(c.handle.clone()), parent_id };
        let created =
            catalog::create_category(db, input).await.map_err(|e| format!("category {}: {e}", c.handle))?;
        category_ids.insert(c.handle.clone(), created.id);
    }
    for p in &demo.products {
        let handle = handle_from(&p.title);
        let input = NewProduct {
            title: p.title.clone(),
            handle: Some(handle.clone()),
            description: p.description.clone(),
            status: Some(p.status.unwrap_or(ProductStatus::Published)),
            images: vec![format!("/media/demo/{handle}.svg")],
            category_ids: category_ids.get(&p.category).cloned().into_iter().collect(),
            variants: variants(&handle, p),
        };
        catalog::products::create_product(db, currency, SEED_ACTOR, input)
            .await
            .map_err(|e| format!("product {handle}: {e}"))?;
    }
    for p in &demo.promotions {
        let input = PromotionInput {
            name: Some(p.name.clone()),
            class: Some(p.class),
            benefit_type: Some(p.benefit_type),
            percentage_bps: p.percentage_bps,
            trigger: Some(p.trigger),
            category_ids: Some(p.category.iter().filter_map(|c| category_ids.get(c).cloned()).collect()),
            min_subtotal: Some(p.min_subtotal.map(Into::into)),
            customers: Some(p.customers),
            per_customer_limit: Some(p.per_customer_limit),
            combines_with: Some(p.combines_with.clone()),
            ..PromotionInput::default()
        };
        promotions::create_promotion(db, currency, input, p.code.as_deref())
            .await
            .map_err(|e| format!("promotion {}: {e}", p.name))?;
    }
    Ok(DemoReport {
        categories: demo.categories.len(),
        products: demo.products.len(),
        regions: demo.regions.len(),
        promotions: demo.promotions.len(),
    })
}

fn region_input(r: &DemoRegion) -> RegionInput {
    RegionInput {
        name: Some(r.name.clone()),
        countries: Some(
            r.countries
                .iter()
                .map(|c| CountryInput { code: c.code.clone(), provinces: c.provinces.clone() })
                .collect(),
        ),
        tax_mode: Some(r.tax_mode),
        tax_rounding: None,
        rounding: None,
        tax_rates: Some(
            r.rates
                .iter()
                .map(|t| TaxRateInput {
                    tax_class: t.tax_class.clone(),
                    province: t.province.clone(),
                    name: t.name.clone(),
                    rate_bps: t.rate_bps,
                })
                .collect(),
        ),
    }
}

/// Every combination of the product's options, with stock that varies (some sold out, some
/// nearly) and prices that step up for bigger sizes.
fn variants(handle: &str, p: &DemoProduct) -> Vec<NewVariant> {
    let mut combos: Vec<BTreeMap<String, String>> = vec![BTreeMap::new()];
    for (name, values) in &p.options {
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                values.iter().map(move |value| {
                    let mut next = combo.clone();
                    next.insert(name.clone(), value.clone());
                    next
                })
            })
            .collect();
    }
    let mut rng = Rng::new(handle.bytes().fold(7, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))));
    let code: String = handle.split('-').filter_map(|w| w.chars().next()).collect::<String>().to_uppercase();
    combos
        .into_iter()
        .map(|options| {
            let suffix: Vec<String> = options
                .values()
                .map(|v| {
                    v.chars().filter(char::is_ascii_alphanumeric).take(4).collect::<String>().to_uppercase()
                })
                .collect();
            let sku = std::iter::once(format!("{code}{}", handle.len()))
                .chain(suffix)
                .collect::<Vec<_>>()
                .join("-");
            let stock = match rng.below(10) {
                0 => 0,
                1 | 2 => 1 + rng.below(4),
                _ => 10 + rng.below(70),
            };
            NewVariant {
                sku,
                title: None,
                price: (p.price + price_step(&options)).into(),
                options,
                stock: i64::try_from(stock).unwrap_or(0),
                tax_class: p.tax_class.clone(),
                weight: p.weight,
                requires_shipping: p.requires_shipping,
            }
        })
        .collect()
}

fn price_step(options: &BTreeMap<String, String>) -> i64 {
    options
        .iter()
        .map(|(name, value)| match (name.as_str(), value.as_str()) {
            ("size", "XL" | "XXL" | "L/XL") => 200,
            ("size", "A2") => 1000,
            ("size", "A1") => 2000,
            ("size", "500 ml") => 400,
            // Gift cards cost what they are worth; the listed price is the smallest.
            ("amount", amount) => amount.parse::<i64>().map_or(0, |a| a * 100 - 2500),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_catalog_is_big_and_consistent() {
        let demo: DemoCatalog = toml::from_str(include_str!("demo_catalog.toml")).expect("parses");
        assert!(demo.products.len() >= 40);
        let names: std::collections::HashSet<&str> = demo.regions.iter().map(|r| r.name.as_str()).collect();
        assert!(names.len() == demo.regions.len() && demo.regions.len() >= 3, "a few regions, named apart");
        let handles: Vec<&str> = demo.categories.iter().map(|c| c.handle.as_str()).collect();
        for p in &demo.promotions {
            assert!(p.category.as_ref().is_none_or(|c| handles.contains(&c.as_str())), "{}", p.name);
        }
        let mut skus = std::collections::HashSet::new();
        for p in &demo.products {
            assert!(handles.contains(&p.category.as_str()), "{} has an unknown category", p.title);
            for v in variants(&handle_from(&p.title), p) {
                assert!(skus.insert(v.sku.clone()), "duplicate sku {}", v.sku);
                assert!(v.price.amount_in("usd").is_ok_and(|p| p > 0));
            }
        }
    }
}
