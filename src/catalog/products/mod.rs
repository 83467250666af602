//! Products and their variants: what shoppers browse and buy.
//!
//! A product has a handle, text, images and categories; each variant (a size, a colour) has its
//! own SKU, options and price. Stock per variant lives in [`crate::inventory`].

pub mod admin_routes;
mod create;
mod input;
mod listing;
mod model;
pub mod params;
pub mod routes;
mod service;
mod size;
mod store;
mod variant_store;
pub mod views;

pub use create::{create_product, create_products};
pub use input::{NewProduct, NewVariant, ProductPatch, VariantPatch};
pub use listing::{ProductQuery, Sort, parse_search};
pub use model::{Audience, MAX_VARIANTS, Product, ProductStatus, Variant};
pub use service::{
    add_variant, any_product, archive_product, categories_with_ancestors, get_product, list_products,
    unknown_products_and_categories, update_product, update_variant,
};
pub use size::catalog_size;
