//! Oxcart: the backend of an online store.
//!
//! `main` is a thin CLI over this library; the tests build the same [`app::App`].

pub mod accounts;
pub mod app;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod ids;
pub mod metrics;
pub mod telemetry;
pub mod time;
pub mod validate;

pub use app::App;
pub use config::Config;
