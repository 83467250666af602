//! Cross-site request forgery: a browser sends the session cookie with requests that another
//! site starts (a form, an image, a `fetch` with `no-cors`). `SameSite=Lax` stops most of them,
//! but not all: a same-site page (another subdomain), a top-level navigation within two minutes
//! of the cookie being set in some browsers, and a bodyless `POST` that needs no JSON
//! content type (cancel an order, sign out) all got through. So a request that changes state
//! and is authenticated by the cookie must come from one of our own origins.
//!
//! - `Sec-Fetch-Site` (every current browser sends it): `same-origin` and `none` (typed,
//!   bookmarked) pass at once.
//! - Otherwise the `Origin` decides (or failing that the `Referer`): ours are the public URL's,
//!   the `Host` the request was sent to, and the origins CORS lists for the path (`cors.rs`).
//!   Any other is refused, and so is a cross-site request that names no origin at all.
//! - A request with none of these headers is not from a browser page, which always says where
//!   it comes from on a `POST`, so it passes.
//!
//! Requests with `Authorization: Bearer …` are never affected: a browser does not add that
//! header by itself, so whoever sends it holds the token.

use std::sync::Arc;

use axum::{
    extract::{FromRequest, Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::auth::SESSION_COOKIE;
use crate::{config::Config, error::ApiError};

pub async fn refuse_cross_site(State(config): State<Arc<Config>>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    if !safe
        && !headers.contains_key(header::AUTHORIZATION)
        && has_session_cookie(headers)
        && is_cross_site(headers, &|origin| {
            is_ours(origin, headers, &config.public_url)
                || super::cors::allows(&config.cors, origin, request.uri().path())
        })
    {
        return ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "cross_site_request",
            "This request was started by another site. Sign-in cookies work only from this shop's own pages; \
             other clients send `Authorization: Bearer <token>`.",
        )
        .into_response();
    }
    next.run(request).await
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    super::auth::cookie(headers, SESSION_COOKIE).is_some()
}

fn is_cross_site(headers: &HeaderMap, ours: &dyn Fn(&str) -> bool) -> bool {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    let fetch_site = text("sec-fetch-site");
    if matches!(fetch_site, Some("same-origin" | "none")) {
        return false;
    }
    if let Some(origin) = text("origin") {
        return !ours(origin);
    }
    if let Some(referer) = text("referer") {
        return !ours(origin_of(referer));
    }
    // A browser says where a cross-site or same-site POST comes from; one that does not is
    // not to be trusted.
    fetch_site.is_some()
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// The shop's own origins: the public URL's, and the one the request was addressed to
/// (`Host`), which is where the storefront served by this process lives.
fn is_ours(origin: &str, headers: &HeaderMap, public_url: &str) -> bool {
    if origin.eq_ignore_ascii_case(origin_of(public_url)) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    matches!((authority, host), (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host))
}

/// For endpoints that take no body: a request that carries one anyway is refused with
/// `400 validation_failed`, so that no form on another site can post to them, and no client
/// believes it sent parameters that were ignored. An empty JSON object is accepted (some
/// client libraries send `{}` with every `POST`): it has no fields, so none is unknown.
pub struct NoBody;

impl<S: Send + Sync> FromRequest<S> for NoBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let json = super::json::is_json(request.headers().get(header::CONTENT_TYPE));
        let refused = || ApiError::field("body", "must be empty: this endpoint takes no body");
        let bytes = axum::body::to_bytes(request.into_body(), 64).await.map_err(|_| refused())?;
        let empty_object = || {
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
                .is_ok_and(|m| m.is_empty())
        };
        if bytes.is_empty() || (json && empty_object()) { Ok(Self) } else { Err(refused()) }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    const PUBLIC: &str = "https://shop.example";

    fn cross(pairs: &[(&'static str, &'static str)]) -> bool {
        let h = headers(pairs);
        is_cross_site(&h, &|origin| is_ours(origin, &h, PUBLIC) || origin == "https://listed.example")
    }

    #[test]
    fn fetch_metadata_and_origin_decide() {
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(cross(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]));
        assert!(!cross(&[("sec-fetch-site", "cross-site"), ("origin", "https://listed.example")]));
        assert!(cross(&[("sec-fetch-site", "same-site"), ("origin", "https://evil.shop.example")]));
        assert!(!cross(&[("sec-fetch-site", "same-site"), ("origin", PUBLIC)]));
        assert!(cross(&[("sec-fetch-site", "cross-site")]), "a cross-site request that names no origin");
    }

    #[test]
    fn origin_and_referer_decide_for_older_browsers() {
        assert!(cross(&[("origin", "https://evil.example")]));
        assert!(cross(&[("origin", "null")]));
        assert!(!cross(&[("origin", "https://shop.example")]));
        assert!(!cross(&[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")]));
        assert!(cross(&[("referer", "https://evil.example/page")]));
        assert!(!cross(&[("referer", "https://shop.example/cart")]));
        assert!(!cross(&[]), "not a browser page");
    }
}
