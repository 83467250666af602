//! What a product is: its status, variants and the categories it is filed in, as the rules, the
//! store and the views all see it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::categories::model::Category;

/// Most variants a product may have, so one product can never make a response unbounded.
pub const MAX_VARIANTS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProductStatus {
    /// Being prepared: only admins see it.
    Draft,
    /// On sale: shoppers see it.
    Published,
    /// Withdrawn: only admins see it; orders that reference it keep working.
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub(super) fn from_db(value: &str) -> Self {
        match value {
            "draft" => Self::Draft,
            "published" => Self::Published,
            // The CHECK constraint allows nothing else; hiding is the safe reading.
            _ => Self::Archived,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub description: String,
    pub status: ProductStatus,
    /// Absolute URLs, or paths on this server such as `/media/demo/mug.svg`.
    pub images: Vec<String>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub categories: Vec<Category>,
    pub variants: Vec<Variant>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub id: String,
    pub product_id: String,
    pub sku: String,
    pub title: String,
    pub options: BTreeMap<String, String>,
    /// Minor units of the store currency.
    pub price: i64,
    /// A tax class's code (`standard` unless set).
    pub tax_class: String,
    /// Grams; 0 when not given.
    pub weight: i64,
    /// False for what is not shipped (digital goods, gift cards).
    pub requires_shipping: bool,
    pub on_hand: i64,
    pub reserved: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Variant {
    /// What a shopper can still buy.
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }
}

/// Which products a lookup may see: shoppers only published ones, admins all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Shopper,
    Admin,
}
