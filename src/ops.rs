//! Operations endpoints: liveness, readiness, metrics (on the shop's address, or on one of
//! their own).

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::ApiError, state::AppState};

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
/// status, orders and payments by status, and the outbox backlog. Not public: it needs
/// `Authorization: Bearer <OXCART_METRICS_TOKEN>`, and is `404` on the shop's address when
/// `OXCART_METRICS_LISTEN` serves it elsewhere or no token is set.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])),
    responses(
        (status = 200, body = String),
        (status = 401, description = "`unauthorized`: the metrics token is missing or wrong", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: metrics are not served on this address", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let settings = &state.config.metrics;
    if settings.listen.is_some() || settings.token.is_none() {
        return ApiError::not_found().into_response();
    }
    scrape(&state, &headers).await
}

/// `/metrics` on the address of its own (`OXCART_METRICS_LISTEN`), and nothing else.
pub fn metrics_router(state: AppState) -> axum::Router {
    async fn on_own_address(State(state): State<AppState>, headers: HeaderMap) -> Response {
        scrape(&state, &headers).await
    }
    axum::Router::new()
        .route("/metrics", axum::routing::get(on_own_address))
        .fallback(|| async { ApiError::not_found() })
        .with_state(state)
}

async fn scrape(state: &AppState, headers: &HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, given)| given.trim());
        if !given
            .is_some_and(|given| crate::ids::constant_time_eq(given.as_bytes(), token.expose().as_bytes()))
        {
            let mut denied = ApiError::unauthorized().into_response();
            denied.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return denied;
        }
    }
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
