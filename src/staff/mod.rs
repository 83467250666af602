//! Staff (issue 23): what the admins of a shop may each do. Their accounts are `accounts`' (an
//! admin is an account with a staff role); this module decides, route by route, what each role
//! may call (`permissions`), lets owners invite, change and disable staff (`routes`), and keeps
//! the audit log of every write staff make (`audit`, read through `audit_routes`).

pub mod audit;
pub mod audit_routes;
mod audit_store;
pub mod permissions;
pub mod routes;

pub use permissions::{Area, allows};
