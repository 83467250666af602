//! Staff (issue 23): what the admins of a shop may each do. Their accounts are `accounts`' (an
//! admin is an account with a staff role); this module decides, route by route, what each role
//! may call (`permissions`).

pub mod permissions;

pub use permissions::{Area, allows};
