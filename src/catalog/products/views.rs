//! Products and variants as the API shows them.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Product, ProductStatus, Variant};
use crate::{catalog::categories::views::CategoryView, config::Config, money::Money, time::rfc3339};

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductView {
    #[schema(example = "prod_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    #[schema(example = "classic-tee")]
    pub handle: String,
    pub title: String,
    pub description: String,
    pub status: ProductStatus,
    /// Absolute URLs.
    pub images: Vec<String>,
    pub categories: Vec<CategoryView>,
    pub category_ids: Vec<String>,
    pub variants: Vec<VariantView>,
    /// Lowest and highest variant price; null while the product has no variants.
    pub price_range: Option<PriceRange>,
    /// True when any variant can be bought.
    pub in_stock: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceRange {
    pub min: Money,
    pub max: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantView {
    #[schema(example = "var_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub product_id: String,
    #[schema(example = "TEE-BLK-M")]
    pub sku: String,
    #[schema(example = "Black / M")]
    pub title: String,
    #[schema(example = json!({"color": "Black", "size": "M"}))]
    pub options: BTreeMap<String, String>,
    pub price: Money,
    /// The tax class it is taxed by (`standard`, `reduced`, `zero`, `exempt`, or a custom one).
    #[schema(example = "standard")]
    pub tax_class: String,
    /// Grams (0 when not given).
    pub weight: i64,
    /// False for what is never shipped (digital goods, gift cards): a cart of only such
    /// variants needs no shipping option.
    pub requires_shipping: bool,
    pub in_stock: bool,
    /// Units a shopper can still buy.
    pub available: i64,
    /// Admin responses only: units held and units reserved by checkouts in progress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_hand: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

/// How views are rendered: the store currency, the base for relative image paths, and
/// whether stock internals may be shown.
#[derive(Clone, Copy)]
pub struct Render<'a> {
    pub currency: &'a str,
    pub public_url: &'a str,
    pub admin: bool,
}

impl<'a> Render<'a> {
    /// For shoppers, or with `admin` for the admin API.
    pub fn new(config: &'a Config, admin: bool) -> Self {
        Self { currency: &config.currency, public_url: &config.public_url, admin }
    }

    pub fn product(&self, p: Product) -> ProductView {
        let price_range = p.price_min.zip(p.price_max).map(|(min, max)| PriceRange {
            min: Money::new(min, self.currency),
            max: Money::new(max, self.currency),
        });
        let variants: Vec<VariantView> = p.variants.into_iter().map(|v| self.variant(v)).collect();
        ProductView {
            in_stock: variants.iter().any(|v| v.in_stock),
            images: p.images.iter().map(|url| absolute_url(self.public_url, url)).collect(),
            category_ids: p.categories.iter().map(|c| c.id.clone()).collect(),
            categories: p.categories.into_iter().map(Into::into).collect(),
            variants,
            price_range,
            id: p.id,
            handle: p.handle,
            title: p.title,
            description: p.description,
            status: p.status,
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
        }
    }

    pub fn variant(&self, v: Variant) -> VariantView {
        let available = v.available();
        VariantView {
            price: Money::new(v.price, self.currency),
            weight: v.weight,
            requires_shipping: v.requires_shipping,
            in_stock: available > 0,
            available,
            on_hand: self.admin.then_some(v.on_hand),
            reserved: self.admin.then_some(v.reserved),
            created_at: rfc3339(v.created_at),
            updated_at: rfc3339(v.updated_at),
            id: v.id,
            product_id: v.product_id,
            sku: v.sku,
            title: v.title,
            options: v.options,
            tax_class: v.tax_class,
        }
    }
}

/// Paths on this server (`/media/…`) become absolute under the public URL, so apps on other
/// origins can load them.
pub fn absolute_url(public_url: &str, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") { format!("{public_url}{url}") } else { url.to_owned() }
}
