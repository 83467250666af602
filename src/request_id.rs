//! The id of the request being handled, readable anywhere inside its handling (a 500's body
//! carries it). The HTTP edge sets it (`http::request_context`); nothing here knows HTTP.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `work` with `id` as the current request's id.
pub async fn with<F: Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The current request's id, outside a request `None`.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
