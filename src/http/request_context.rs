//! The request id, readable anywhere inside the handling of one request.
//!
//! `SetRequestIdLayer` assigns `x-request-id`; [`scope`] makes it available to error rendering
//! (`crate::request_id`: a 500's body carries it) and to every log line through the request's
//! tracing span.
//!
//! A client may send its own id, so that its logs and ours can be joined; [`accept_safe_id`]
//! keeps it only when it is short and made of safe characters, so it can never forge a log
//! line, fill the logs, or smuggle markup into a 500's body. Otherwise a new one is made.

use axum::{extract::Request, http::HeaderName, middleware::Next, response::Response};
use tower_http::request_id::{MakeRequestId, RequestId};

pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest client-chosen request id that is kept.
const MAX_CLIENT_ID: usize = 128;

/// Letters, digits, `-`, `_`, `.` and `:`, 1–128 of them: UUIDs, ULIDs and the ids of common
/// proxies and tracers fit; a line break, a quote or a space does not.
pub fn is_safe_request_id(id: &[u8]) -> bool {
    (1..=MAX_CLIENT_ID).contains(&id.len())
        && id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Drops a client's `x-request-id` that is not [safe](is_safe_request_id), so that the next
/// layer makes a fresh one. Runs before anything reads the id.
pub async fn accept_safe_id(mut request: Request, next: Next) -> Response {
    let unsafe_ids = request.headers().get_all(&REQUEST_ID_HEADER).iter().count() > 1
        || request.headers().get(&REQUEST_ID_HEADER).is_some_and(|v| !is_safe_request_id(v.as_bytes()));
    if unsafe_ids {
        request.headers_mut().remove(&REQUEST_ID_HEADER);
    }
    next.run(request).await
}

#[derive(Clone, Copy, Default)]
pub struct MakeRequestIdFromRandom;

impl MakeRequestId for MakeRequestIdFromRandom {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        crate::ids::new_id("req").parse().ok().map(RequestId::new)
    }
}

pub fn request_id_of<B>(request: &axum::http::Request<B>) -> String {
    request.headers().get(&REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
}

pub async fn scope(request: Request, next: Next) -> Response {
    let id = request_id_of(&request);
    crate::request_id::with(id, next.run(request)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_short_plain_ids_are_kept() {
        for good in ["req_01jd3v9k2m8q4r6t0w2y4a6c8e", "3f2b9c1e-8d7a-4b6c-9e0f-1a2b3c4d5e6f", "a.b:c_d"] {
            assert!(super::is_safe_request_id(good.as_bytes()), "{good}");
        }
        let long = "a".repeat(129);
        for bad in ["", "x\nlevel=ERROR forged", "a b", "\"quoted\"", "<script>", long.as_str()] {
            assert!(!super::is_safe_request_id(bad.as_bytes()), "{bad}");
        }
    }
}
