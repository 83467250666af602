//! Cross-site request forgery: a browser sends the session cookie with requests that another
//! site starts (a form, an image, a `fetch` with `no-cors`). `SameSite=Lax` stops most of them,
//! but not all: a same-site page (another subdomain), a top-level navigation within two minutes
//! of the cookie being set in some browsers, and a bodyless `POST` that needs no JSON
//! content type (cancel an order, sign out) all got through. So a request that changes state
//! and is authenticated by the cookie must come from one of our own origins.
//!
//! - `Sec-Fetch-Site` (every current browser sends it): `same-origin` and `none` (typed,
//!   bookmarked) pass; `cross-site` is refused; `same-site` must also carry an allowed `Origin`.
//! - Without it, an `Origin` (or failing that a `Referer`) that is not ours is refused.
//! - A request with neither is not from a browser page, which always says where it comes from
//!   on a `POST`, so it passes.
//!
//! Requests with `Authorization: Bearer …` are never affected: a browser does not add that
//! header by itself, so whoever sends it holds the token.

use axum::{
    extract::{FromRequest, Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::auth::SESSION_COOKIE;
use crate::{app::AppState, error::ApiError};

pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    if !safe
        && !headers.contains_key(header::AUTHORIZATION)
        && has_session_cookie(headers)
        && is_cross_site(headers, &state.config.public_url)
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

fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let text = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    match text("sec-fetch-site") {
        Some("same-origin" | "none") => return false,
        Some("cross-site") => return true,
        _ => {}
    }
    let host = text("host");
    if let Some(origin) = text("origin") {
        return !is_ours(origin, host, public_url);
    }
    if let Some(referer) = text("referer") {
        return !is_ours(origin_of(referer), host, public_url);
    }
    // `same-site` with no Origin is not something a browser sends on a POST: refuse it.
    text("sec-fetch-site").is_some()
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// Our own origins: the public URL's, and the one the request was addressed to (`Host`), which
/// is where the storefront served by this process lives.
fn is_ours(origin: &str, host: Option<&str>, public_url: &str) -> bool {
    if origin.eq_ignore_ascii_case(origin_of(public_url)) {
        return true;
    }
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

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")]), PUBLIC));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site"), ("origin", PUBLIC)]), PUBLIC));
        let sibling = [("sec-fetch-site", "same-site"), ("origin", "https://evil.shop.example")];
        assert!(is_cross_site(&headers(&sibling), PUBLIC));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-site"), ("origin", PUBLIC)]), PUBLIC));
    }

    #[test]
    fn origin_and_referer_decide_for_older_browsers() {
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example")]), PUBLIC));
        assert!(is_cross_site(&headers(&[("origin", "null")]), PUBLIC));
        assert!(!is_cross_site(&headers(&[("origin", "https://shop.example")]), PUBLIC));
        let own_host = [("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")];
        assert!(!is_cross_site(&headers(&own_host), PUBLIC));
        assert!(is_cross_site(&headers(&[("referer", "https://evil.example/page")]), PUBLIC));
        assert!(!is_cross_site(&headers(&[("referer", "https://shop.example/cart")]), PUBLIC));
        assert!(!is_cross_site(&headers(&[]), PUBLIC), "not a browser page");
    }
}
