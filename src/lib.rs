//! Oxcart: the backend of an online store.
//!
//! `main` is a thin CLI over this library; the tests build the same [`server::App`].

pub mod accounts;
pub mod api;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod inventory;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod ops;
pub mod orders;
pub mod page;
pub mod payments;
pub mod pricing;
pub mod promotions;
pub mod recent;
pub mod regions;
pub mod request_id;
pub mod seed;
pub mod server;
pub mod shipping;
pub mod shutdown;
pub mod staff;
pub mod state;
pub mod tax;
pub mod telemetry;
pub mod time;
pub mod validate;
pub mod web;

pub use config::Config;
pub use server::App;
