//! Accounts: customers and admins, passwords, and sessions.
//!
//! `routes` speaks HTTP, `service` holds the rules, `store` the SQL, `password` the hashing.

pub mod admin_routes;
mod devices;
mod model;
mod password;
mod reset;
pub mod reset_routes;
pub mod routes;
mod service;
mod store;

pub use devices::{DEVICE_COOKIE, is_known as is_known_device, remember as remember_device};
pub use model::{
    AuthSession, Customer, NewSession, Role, StaffRole, email_key, parse_email, parse_name, parse_password,
};
pub use reset::{confirm_password_reset, request_password_reset, start_password_reset};
pub use service::{
    Registration, any_admin, any_customer, authenticate, create_admin, create_staff, find_customer,
    find_staff, invite_staff, list_customers, list_staff, login, logout, register, rename,
    start_staff_invite, update_staff,
};
