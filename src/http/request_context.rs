//! The request id, readable anywhere inside the handling of one request.
//!
//! `SetRequestIdLayer` assigns `x-request-id`; [`scope`] makes it available to error rendering
//! (a 500's body carries it) and to every log line through the request's tracing span.

use axum::{extract::Request, http::HeaderName, middleware::Next, response::Response};
use tower_http::request_id::{MakeRequestId, RequestId};

pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
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
    REQUEST_ID.scope(id, next.run(request)).await
}
