//! Catalog: what the store sells and how it is organised: categories, products and their
//! variants. Stock lives in [`crate::inventory`].

pub mod categories;
mod handle;
pub mod products;

pub use categories::{Category, NewCategory, create_category, list_categories};
pub use handle::{handle_from, parse_handle};
