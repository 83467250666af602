//! Operations endpoints: liveness, readiness, metrics.

use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz)).routes(routes!(metrics))
}

/// 200 while the process lives.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = String), (status = 503, body = String)))]
async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Prometheus metrics in the OpenMetrics text format: HTTP requests and latency by route and
/// status, orders and payments by status, and the outbox backlog.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, body = String)))]
async fn metrics(State(state): State<AppState>) -> Response {
    match crate::orders::snapshot(&state.db).await {
        Ok(snapshot) => state.metrics.set_store(&snapshot),
        // The HTTP metrics are still worth serving when the database is down.
        Err(e) => tracing::warn!(error = %e, "store metrics unavailable"),
    }
    (
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        state.metrics.render(),
    )
        .into_response()
}
