//! CORS: which other origins a browser may call the API from. A headless storefront usually
//! lives on its own origin (a Next.js site, a mobile web app); the admin tools on another.
//!
//! Origins are listed, never a wildcard, separately for the store API and the admin API
//! (`OXCART_STORE_CORS`, `OXCART_ADMIN_CORS`, as Medusa's `STORE_CORS`/`ADMIN_CORS`). Signing in
//! (`/v1/auth/…`, `/v1/me`) is open to both lists. A listed origin may send credentials (the
//! session cookie), the headers the API reads, and read the headers clients need; any other
//! origin gets no CORS headers, so the browser refuses it. The CSRF rule (`csrf.rs`) treats a
//! listed origin as the shop's own, and every other origin as another site.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header, request::Parts};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Cors;

/// Whether `origin` is listed for `path`.
pub fn allows(cors: &Cors, origin: &str, path: &str) -> bool {
    let Some(api) = path.strip_prefix("/v1/") else { return false };
    let listed = |list: &[String]| list.iter().any(|o| o.eq_ignore_ascii_case(origin));
    if api.starts_with("admin/") {
        listed(&cors.admin)
    } else if api.starts_with("auth/") || api == "me" || api.starts_with("me/") {
        listed(&cors.store) || listed(&cors.admin)
    } else {
        listed(&cors.store)
    }
}

/// The layer that answers preflights and marks answers for listed origins.
pub fn layer(cors: Cors) -> CorsLayer {
    let allow = AllowOrigin::predicate(move |origin: &HeaderValue, parts: &Parts| {
        origin.to_str().is_ok_and(|origin| allows(&cors, origin, parts.uri.path()))
    });
    CorsLayer::new()
        .allow_origin(allow)
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(super::idempotency::HEADER),
            super::request_context::REQUEST_ID_HEADER.clone(),
        ])
        .expose_headers([
            super::request_context::REQUEST_ID_HEADER.clone(),
            HeaderName::from_static("idempotent-replayed"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_has_its_own_origins() {
        let cors =
            Cors { store: vec!["https://shop.example".into()], admin: vec!["https://admin.example".into()] };
        assert!(allows(&cors, "https://shop.example", "/v1/products"));
        assert!(!allows(&cors, "https://shop.example", "/v1/admin/orders"));
        assert!(allows(&cors, "https://admin.example", "/v1/admin/orders"));
        assert!(!allows(&cors, "https://admin.example", "/v1/carts"));
        assert!(allows(&cors, "https://admin.example", "/v1/auth/login"));
        assert!(allows(&cors, "https://shop.example", "/v1/me"));
        assert!(!allows(&cors, "https://evil.example", "/v1/products"));
        assert!(!allows(&cors, "https://shop.example", "/metrics"));
    }
}
