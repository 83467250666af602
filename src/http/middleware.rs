//! Cross-cutting request handling: logging spans, metrics, and the guarantee that every error
//! leaves as problem+json, even ones raised by axum itself or by a panic.

use std::{
    any::Any,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::{MatchedPath, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tracing::Span;

use super::request_context::request_id_of;
use crate::{
    error::ApiError,
    metrics::{Metrics, RequestLabels},
};

/// The span every log line of a request is recorded in. Only the path is logged, never the
/// query string (it may carry an order access token) or headers (credentials). What the client
/// chose (path, request id) is recorded as a string value, which both log formats quote and
/// escape, so no request can write a line of its own into the log.
pub fn request_span(request: &Request<Body>) -> Span {
    tracing::info_span!(
        "request",
        method = request.method().as_str(),
        path = request.uri().path(),
        request_id = request_id_of(request).as_str(),
    )
}

pub fn log_response(response: &Response, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}

pub async fn record_metrics(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let labels = RequestLabels { method, route, status: response.status().as_u16() };
    metrics.observe_request(labels, started.elapsed());
    response
}

pub fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This path does not accept this method.",
    )
}

/// Turns any error response that is not already problem+json (axum's own rejections, the
/// body limit) into one, keeping headers such as `Allow`.
pub async fn errors_as_problems(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let problem = match status {
        StatusCode::BAD_REQUEST => ApiError::malformed_json("The request could not be read."),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => method_not_allowed(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::unsupported_media_type(),
        StatusCode::UNPROCESSABLE_ENTITY => ApiError::validation(Vec::new()),
        StatusCode::INTERNAL_SERVER_ERROR => ApiError::internal("unhandled 500 response"),
        StatusCode::SERVICE_UNAVAILABLE => {
            ApiError::new(status, "unavailable", "The service cannot answer right now.")
        }
        s => ApiError::new(s, "error", crate::error::title_for(s)),
    };
    let (mut parts, _) = response.into_parts();
    let mut rendered = problem.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    rendered.headers_mut().extend(parts.headers);
    rendered
}

pub fn panic_as_problem(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    ApiError::internal(format_args!("panic: {message}")).into_response()
}
