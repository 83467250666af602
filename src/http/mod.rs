//! The HTTP edge: the middleware every request passes through, the extractors that turn
//! requests into typed, validated values, and the accept loop. Nothing here names a domain's
//! routes or the application state: extractors ask for the parts they need through `FromRef`,
//! and `crate::api` puts the routes and these layers together.

pub mod audit;
pub mod auth;
pub mod catalog_cache;
pub mod cors;
pub mod csrf;
pub mod idempotency;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod query;
pub mod rate_limit;
pub mod request_context;
pub mod server;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;
