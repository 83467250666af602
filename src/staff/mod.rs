//! Staff (issue 23): what the admins of a shop may each do. Their accounts are `accounts`' (an
//! admin is an account with a staff role); this module decides, route by route, what each role
//! may call (`permissions`), and lets owners invite, change and disable staff (`routes`).

pub mod permissions;
pub mod routes;

pub use permissions::{Area, allows};
