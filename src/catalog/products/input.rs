//! What admins send to create and change products and variants, and the checks on it.
//! Every problem is reported at once, named by its path (`variants[2].sku`).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use utoipa::ToSchema;

use super::model::{MAX_VARIANTS, ProductStatus};
use crate::{
    catalog::handle::{handle_from, parse_handle},
    money::PriceInput,
    regions,
    validate::{self, Validator},
};

const MAX_IMAGES: usize = 10;
const MAX_CATEGORIES: usize = 20;
const MAX_OPTIONS: usize = 10;
const MAX_STOCK: i64 = 1_000_000_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    #[schema(example = "Classic Tee")]
    pub title: String,
    /// Lower-case words joined by dashes; derived from `title` when omitted.
    pub handle: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Defaults to `draft`.
    pub status: Option<ProductStatus>,
    /// Up to 10 image URLs: `https://…`, or a path on this server (`/media/…`).
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub category_ids: Vec<String>,
    /// Up to 100 variants; more can be added later.
    #[serde(default)]
    pub variants: Vec<NewVariant>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVariant {
    #[schema(example = "TEE-BLK-M")]
    pub sku: String,
    /// Defaults to the option values joined by " / " (`Black / M`), or `Default`.
    pub title: Option<String>,
    /// Up to 10 option names and values, such as `{"size": "M", "color": "Black"}`.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Minor units of the store currency (`2500`), or a money object in it
    /// (`{"amount": 2500, "currency": "usd"}`, as answers show prices).
    pub price: PriceInput,
    /// Units on hand to start with (default 0); later changes go through inventory adjustments.
    #[serde(default)]
    pub stock: i64,
    /// How it is taxed: a tax class's code (default `standard`).
    #[schema(example = "standard")]
    pub tax_class: Option<String>,
    /// Grams, 0–1,000,000,000 (default 0), for shipping priced by weight.
    pub weight: Option<i64>,
    /// Default true; false for what is never shipped (digital goods, gift cards).
    pub requires_shipping: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    pub title: Option<String>,
    pub handle: Option<String>,
    pub description: Option<String>,
    pub status: Option<ProductStatus>,
    pub images: Option<Vec<String>>,
    /// Replaces the product's categories.
    pub category_ids: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantPatch {
    pub sku: Option<String>,
    pub title: Option<String>,
    pub options: Option<BTreeMap<String, String>>,
    /// Minor units, or a money object in the store currency.
    pub price: Option<PriceInput>,
    pub tax_class: Option<String>,
    /// Grams.
    pub weight: Option<i64>,
    pub requires_shipping: Option<bool>,
}

/// A product's own fields, checked.
pub(super) struct ProductFields {
    pub title: String,
    pub handle: String,
    pub description: String,
    pub status: ProductStatus,
    pub images: Vec<String>,
    pub category_ids: Vec<String>,
}

/// A variant patch, checked; `None` leaves a field as it is.
pub(super) struct VariantChanges {
    pub sku: Option<String>,
    pub title: Option<String>,
    pub options: Option<BTreeMap<String, String>>,
    pub price: Option<i64>,
    pub tax_class: Option<String>,
    pub weight: Option<i64>,
    pub requires_shipping: Option<bool>,
}

pub(super) struct VariantFields {
    pub sku: String,
    pub title: String,
    pub options: BTreeMap<String, String>,
    pub price: i64,
    pub stock: i64,
    pub tax_class: String,
    pub weight: i64,
    pub requires_shipping: bool,
}

impl NewProduct {
    /// Checks every field; prices given as money objects must be in `currency`, the store's.
    pub(super) fn check(
        self,
        currency: &str,
    ) -> Result<(ProductFields, Vec<VariantFields>), crate::error::ApiError> {
        let mut v = Validator::new();
        let title = v.check("title", validate::text(&self.title, 1, 200));
        let handle = match &self.handle {
            Some(handle) => v.check("handle", parse_handle(handle)),
            None => title.as_deref().and_then(|t| {
                v.check(
                    "handle",
                    parse_handle(&handle_from(t))
                        .map_err(|_| "is required when the title has no ASCII letters or digits".to_owned()),
                )
            }),
        };
        let description = v.check("description", validate::long_text(&self.description, 10_000));
        let images = v.check("images", images(&self.images));
        let category_ids = v.check("category_ids", category_ids(&self.category_ids));
        v.check("variants", validate::at_most(&self.variants, MAX_VARIANTS));
        let mut skus = HashSet::new();
        let mut variants = Vec::new();
        for (i, variant) in self.variants.into_iter().enumerate() {
            let prefix = format!("variants[{i}]");
            let Some(fields) = variant.check_into(&mut v, &prefix, currency) else { continue };
            if skus.insert(fields.sku.to_ascii_lowercase()) {
                variants.push(fields);
            } else {
                v.check::<()>(&format!("{prefix}.sku"), Err("repeats another variant's sku".into()));
            }
        }
        v.finish()?;
        Ok((
            ProductFields {
                title: title.unwrap_or_default(),
                handle: handle.unwrap_or_default(),
                description: description.unwrap_or_default(),
                status: self.status.unwrap_or(ProductStatus::Draft),
                images: images.unwrap_or_default(),
                category_ids: category_ids.unwrap_or_default(),
            },
            variants,
        ))
    }
}

impl NewVariant {
    pub(super) fn check(self, currency: &str) -> Result<VariantFields, crate::error::ApiError> {
        let mut v = Validator::new();
        let fields = self.check_into(&mut v, "", currency);
        v.finish()?;
        fields.ok_or_else(|| crate::error::ApiError::internal("a variant passed its checks without fields"))
    }

    /// Records problems under `prefix` (`variants[0]`, or "" for a variant on its own).
    fn check_into(self, v: &mut Validator, prefix: &str, currency: &str) -> Option<VariantFields> {
        let path =
            |field: &str| if prefix.is_empty() { field.to_owned() } else { format!("{prefix}.{field}") };
        let sku = v.check(&path("sku"), sku(&self.sku));
        let options = v.check(&path("options"), options(&self.options));
        let title = match &self.title {
            Some(title) => v.check(&path("title"), validate::text(title, 1, 200)),
            None => options.as_ref().map(default_title),
        };
        let price = v.check(&path("price"), self.price.amount_in(currency));
        let stock = v.check(
            &path("stock"),
            if (0..=MAX_STOCK).contains(&self.stock) {
                Ok(self.stock)
            } else {
                Err(format!("must be between 0 and {MAX_STOCK}"))
            },
        );
        let tax_class = match &self.tax_class {
            Some(code) => v.check(&path("tax_class"), regions::tax_class_code(code)),
            None => Some("standard".to_owned()),
        };
        let weight = match self.weight {
            Some(grams) => v.check(&path("weight"), weight(grams)),
            None => Some(0),
        };
        Some(VariantFields {
            sku: sku?,
            title: title?,
            options: options?,
            price: price?,
            stock: stock?,
            tax_class: tax_class?,
            weight: weight?,
            requires_shipping: self.requires_shipping.unwrap_or(true),
        })
    }
}

impl ProductPatch {
    /// Checks the fields present and returns them cleaned; `None` leaves a field as it is.
    pub(super) fn check(self) -> Result<Self, crate::error::ApiError> {
        let mut v = Validator::new();
        let patch = Self {
            title: self.title.and_then(|t| v.check("title", validate::text(&t, 1, 200))),
            handle: self.handle.and_then(|h| v.check("handle", parse_handle(&h))),
            description: self
                .description
                .and_then(|d| v.check("description", validate::long_text(&d, 10_000))),
            status: self.status,
            images: self.images.and_then(|i| v.check("images", images(&i))),
            category_ids: self.category_ids.and_then(|c| v.check("category_ids", category_ids(&c))),
        };
        v.finish()?;
        Ok(patch)
    }
}

impl VariantPatch {
    /// The patch cleaned, with a price in minor units of `currency` (the store's).
    pub(super) fn check(self, currency: &str) -> Result<VariantChanges, crate::error::ApiError> {
        let mut v = Validator::new();
        let patch = VariantChanges {
            sku: self.sku.and_then(|s| v.check("sku", sku(&s))),
            title: self.title.and_then(|t| v.check("title", validate::text(&t, 1, 200))),
            options: self.options.and_then(|o| v.check("options", options(&o))),
            price: self.price.and_then(|p| v.check("price", p.amount_in(currency))),
            tax_class: self.tax_class.and_then(|c| v.check("tax_class", regions::tax_class_code(&c))),
            weight: self.weight.and_then(|w| v.check("weight", weight(w))),
            requires_shipping: self.requires_shipping,
        };
        v.finish()?;
        Ok(patch)
    }
}

/// Letters, digits, `-`, `_` and `.`; compared case-insensitively for uniqueness within a request.
fn sku(value: &str) -> Result<String, String> {
    let value = value.trim();
    let valid = (1..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(value.to_owned())
    } else {
        Err("must be 1–64 letters, digits, dashes, underscores or dots".into())
    }
}

fn options(options: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    if options.len() > MAX_OPTIONS {
        return Err(format!("must have at most {MAX_OPTIONS} options"));
    }
    let mut checked = BTreeMap::new();
    for (name, value) in options {
        let name = validate::text(name, 1, 50).map_err(|e| format!("option name {e}"))?;
        let value = validate::text(value, 1, 100).map_err(|e| format!("option `{name}` {e}"))?;
        checked.insert(name, value);
    }
    Ok(checked)
}

/// A ton is the most a single unit may weigh: enough for furniture, and far from overflow when
/// a cart's weights are added up.
fn weight(grams: i64) -> Result<i64, String> {
    if (0..=1_000_000_000).contains(&grams) {
        Ok(grams)
    } else {
        Err("must be between 0 and 1000000000 grams".into())
    }
}

fn default_title(options: &BTreeMap<String, String>) -> String {
    if options.is_empty() {
        "Default".to_owned()
    } else {
        options.values().cloned().collect::<Vec<_>>().join(" / ")
    }
}

fn images(urls: &[String]) -> Result<Vec<String>, String> {
    validate::at_most(urls, MAX_IMAGES)?;
    for url in urls {
        let shaped = url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/');
        if !shaped || url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "`{}` is not an http(s) URL or a path on this server",
                url.chars().take(80).collect::<String>()
            ));
        }
    }
    Ok(urls.to_vec())
}

/// Distinct ids, in the order given; whether they exist is checked against the database.
fn category_ids(ids: &[String]) -> Result<Vec<String>, String> {
    validate::at_most(ids, MAX_CATEGORIES)?;
    let mut seen = HashSet::new();
    Ok(ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_titles_default_from_options() {
        assert_eq!(default_title(&BTreeMap::new()), "Default");
        let options = BTreeMap::from([("color".to_owned(), "Black".to_owned()), ("size".into(), "M".into())]);
        assert_eq!(default_title(&options), "Black / M");
    }

    #[test]
    fn skus_and_images_are_checked() {
        assert!(sku("TEE-BLK-M_1.0").is_ok());
        assert!(sku("has space").is_err());
        assert!(sku("").is_err());
        assert!(images(&["https://cdn.example/a.png".into(), "/media/demo/x.svg".into()]).is_ok());
        assert!(images(&["javascript:alert(1)".into()]).is_err());
        assert!(images(&vec!["/a.png".to_owned(); 11]).is_err());
    }

    #[test]
    fn every_bad_variant_field_is_named() {
        let product: NewProduct = serde_json::from_value(serde_json::json!({
            "title": "Tee",
            "variants": [
                {"sku": "A", "price": 100},
                {"sku": "a", "price": -1, "stock": -5},
            ]
        }))
        .expect("shape");
        let err = product.check("usd").err().expect("invalid");
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["variants[1].price", "variants[1].stock"]);
    }
}
