//! Filling a store with data: the demo catalog (`oxcart seed --demo`, and the first start on
//! the embedded database) and large generated catalogs for benchmarks (`seed --products N`).
//! Everything goes through the catalog's own rules, as an admin's requests would.

mod demo;
mod rng;
mod synthetic;

pub use demo::seed_demo;
pub use synthetic::seed_products;

use crate::{accounts, catalog, db::Db, error::ApiError};

/// True when the database holds no products and no customers: a store nobody has used yet.
pub async fn store_is_empty(db: &Db) -> Result<bool, ApiError> {
    Ok(!catalog::products::any_product(db).await? && !accounts::any_customer(db).await?)
}
