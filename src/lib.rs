//! Oxcart: the backend of an online store.
//!
//! `main` is a thin CLI over this library; the tests build the same [`app::App`].

pub mod accounts;
pub mod app;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod inventory;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod seed;
pub mod telemetry;
pub mod time;
pub mod validate;
pub mod web;

pub use app::App;
pub use config::Config;
