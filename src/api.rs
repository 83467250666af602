//! The whole HTTP API in one router: every domain's routes, the storefront, the docs, and the
//! edge layers every request passes through. Which routes keep idempotent answers under which
//! scope, which are served from the catalog cache and which empty it, and which make carts be
//! priced with a fresh copy of the regions and shipping options, is chosen here, per group of
//! routes, not by matching URL prefixes in the middleware.

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    http::Method,
    middleware::{Next, from_fn_with_state},
    response::Response,
};
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
    accounts, cart, catalog, checkout, dashboard,
    error::ApiError,
    http::{
        MAX_BODY_BYTES, audit, auth, catalog_cache, cors, csrf,
        idempotency::{self, Scope},
        middleware, openapi, request_context,
    },
    inventory, media, notifications, ops, orders, promotions, regions, shipping, staff,
    state::AppState,
    web,
};

type Routes = OpenApiRouter<AppState>;

pub fn router(state: AppState) -> Router {
    let body_timeout = state.config.body_timeout;
    // POSTs with an `Idempotency-Key` are kept for the caller; on a cart's routes a guest's
    // cart (its id is its secret) is the scope when nobody is signed in.
    let keyed = |routes: Routes, scope: Scope| {
        routes.layer(from_fn_with_state(idempotency::Keys::new(state.db.clone(), scope), idempotency::guard))
    };
    // Writes that change what shoppers see: admin changes, checkouts (stock), payment webhooks
    // (settled orders).
    let changes_catalog = |routes: Routes| {
        routes.layer(from_fn_with_state(state.catalog_cache.clone(), catalog_cache::invalidate_after_writes))
    };
    // Writes that change how carts are priced: regions (territories, tax rates), their
    // shipping options, and promotions.
    let changes_pricing =
        |routes: Routes| routes.layer(from_fn_with_state(state.clone(), forget_pricing_after_writes));
    let admin = OpenApiRouter::new()
        .merge(accounts::admin_routes::router())
        .merge(catalog::categories::routes::admin_router())
        .merge(catalog::products::admin_routes::router())
        .merge(inventory::routes::admin_router())
        .merge(orders::admin_routes::router())
        .merge(orders::note_routes::router())
        .merge(orders::shipment_routes::router())
        .merge(notifications::routes::admin_router())
        .merge(staff::routes::admin_router())
        .merge(staff::audit_routes::admin_router())
        .merge(dashboard::routes::admin_router())
        .merge(changes_pricing(regions::routes::admin_router()))
        .merge(changes_pricing(shipping::routes::admin_router()))
        .merge(changes_pricing(promotions::routes::admin_router()))
        .layer(axum::middleware::from_extractor_with_state::<auth::AdminCaller, _>(state.clone()));
    // Every write staff make is kept in the audit log; "before" is read through the admin
    // routes themselves, as the same caller.
    let audit = audit::Audit {
        db: state.db.clone(),
        reader: admin.clone().split_for_parts().0.with_state(state.clone()),
    };
    // Uploads carry a picture, not JSON: kept out of the idempotency keys (a body up to
    // `OXCART_MEDIA_MAX_BYTES`; the same bytes answer the same file anyway), audited like the rest.
    let uploads = media::routes::admin_router()
        .layer(axum::middleware::from_extractor_with_state::<auth::AdminCaller, _>(state.clone()))
        .layer(from_fn_with_state(audit.clone(), audit::record_admin_writes));
    let admin = admin.layer(from_fn_with_state(audit, audit::record_admin_writes));
    let catalog = OpenApiRouter::new()
        .merge(catalog::categories::routes::router())
        .merge(catalog::products::routes::router())
        .layer(from_fn_with_state(state.catalog_cache.clone(), catalog_cache::serve_from_cache));
    let (routes, mut api) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(keyed(accounts::routes::router(), Scope::Caller))
        .merge(keyed(accounts::reset_routes::router(), Scope::Caller))
        .merge(catalog)
        .merge(keyed(cart::routes::router(), Scope::CallerElseCart))
        .merge(changes_catalog(keyed(checkout::routes::router(), Scope::CallerElseCart)))
        .merge(keyed(orders::routes::router(), Scope::Caller))
        .merge(changes_catalog(keyed(checkout::stripe_routes::router(), Scope::Caller)))
        .merge(changes_catalog(keyed(admin, Scope::Caller)))
        .merge(uploads)
        .merge(regions::routes::router())
        .merge(ops::router())
        .split_for_parts();
    openapi::document_idempotency_key(&mut api);

    routes
        .merge(SwaggerUi::new("/docs").url("/openapi.json", api))
        .merge(web::router())
        .merge(media::routes::router())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { middleware::method_not_allowed() })
        .layer(from_fn_with_state(state.metrics.clone(), middleware::record_metrics))
        // Before idempotency, so a forged request does not even claim a key.
        .layer(from_fn_with_state(state.config.clone(), csrf::refuse_cross_site))
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

/// After any request but a read, carts are priced with the regions and shipping options read
/// afresh (the write has committed by the time its answer comes back here).
async fn forget_pricing_after_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let writes = request.method() != Method::GET && request.method() != Method::HEAD;
    let response = next.run(request).await;
    if writes {
        state.forget_pricing_setup();
    }
    response
}
