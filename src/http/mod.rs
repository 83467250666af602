//! The HTTP edge: the router, the middleware every request passes through, and the extractors
//! that turn requests into typed, validated values.

pub mod auth;
pub mod catalog_cache;
pub mod cors;
pub mod csrf;
pub mod idempotency;
pub mod json;
mod middleware;
pub mod openapi;
mod ops;
pub use ops::metrics_router;
pub mod query;
pub mod rate_limit;
pub mod request_context;
pub mod server;

use axum::{Router, extract::DefaultBodyLimit};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::RequestBodyDeadlineLayer,
    trace::TraceLayer,
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    accounts, app::AppState, cart, catalog, checkout, error::ApiError, inventory, notifications, orders, web,
};

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let body_timeout = state.config.body_timeout;
    let admin = OpenApiRouter::new()
        .merge(accounts::routes::admin_router())
        .merge(catalog::categories::routes::admin_router())
        .merge(catalog::products::admin_routes::router())
        .merge(inventory::routes::admin_router())
        .merge(orders::admin_routes::router())
        .merge(notifications::routes::admin_router())
        .layer(axum::middleware::from_extractor_with_state::<auth::AdminCaller, _>(state.clone()));
    let catalog = OpenApiRouter::new()
        .merge(catalog::categories::routes::router())
        .merge(catalog::products::routes::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), catalog_cache::serve_from_cache));
    let (routes, mut api) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(accounts::routes::router())
        .merge(accounts::reset_routes::router())
        .merge(catalog)
        .merge(cart::routes::router())
        .merge(checkout::routes::router())
        .merge(orders::routes::router())
        .merge(crate::payments::stripe::routes::router())
        .merge(admin)
        .merge(ops::router())
        .split_for_parts();
    openapi::document_idempotency_key(&mut api);

    routes
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .merge(web::router())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { middleware::method_not_allowed() })
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::record_metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), idempotency::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), catalog_cache::invalidate_after_writes))
        // Before idempotency, so a forged request does not even claim a key.
        .layer(axum::middleware::from_fn_with_state(state.clone(), csrf::refuse_cross_site))
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(request_context::accept_safe_id))
                .layer(SetRequestIdLayer::new(
                    request_context::REQUEST_ID_HEADER.clone(),
                    request_context::MakeRequestIdFromRandom,
                ))
                .layer(PropagateRequestIdLayer::new(request_context::REQUEST_ID_HEADER.clone()))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(middleware::request_span)
                        .on_response(middleware::log_response),
                )
                .layer(axum::middleware::from_fn(request_context::scope))
                .layer(axum::middleware::from_fn(middleware::errors_as_problems))
                .layer(CatchPanicLayer::custom(middleware::panic_as_problem))
                .layer(cors::layer(state.config.cors.clone()))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
                // A body trickled in a byte at a time must still arrive within the deadline.
                .layer(RequestBodyDeadlineLayer::new(body_timeout)),
        )
        .with_state(state)
}
