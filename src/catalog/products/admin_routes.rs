//! Products over HTTP for admins: `/v1/admin/products…` and `/v1/admin/variants/{id}`.
//! The admin router's layer has already refused anyone who is not an admin.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Audience, NewProduct, NewVariant, ProductPatch, VariantPatch,
    params::ProductListParams,
    views::{ProductView, Render, VariantView},
};
use crate::http::openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed};
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::{auth::AdminCaller, csrf::NoBody, json::Json, query::Query},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product, archive_product))
        .routes(routes!(add_variant))
        .routes(routes!(update_variant))
}

/// Every product whatever its status (filter with `status`), with stock internals.
#[utoipa::path(get, path = "/v1/admin/products", tag = "admin", params(ProductListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [product], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_products(
    State(state): State<AppState>,
    Query(params): Query<ProductListParams>,
) -> Result<axum::Json<Page<ProductView>>, ApiError> {
    let query = params.to_query(Audience::Admin)?;
    let (products, next_cursor) = super::list_products(&state.db, &state.catalog_size, &query).await?;
    let render = Render::new(&state.config, true);
    Ok(axum::Json(Page { data: products.into_iter().map(|p| render.product(p)).collect(), next_cursor }))
}

/// Create a product with its variants and their opening stock, in one transaction.
#[utoipa::path(post, path = "/v1/admin/products", tag = "admin", request_body = NewProduct,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = ProductView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`handle_taken` or `sku_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_product(
    State(state): State<AppState>,
    AdminCaller(admin): AdminCaller,
    Json(body): Json<NewProduct>,
) -> Result<(StatusCode, axum::Json<ProductView>), ApiError> {
    let product = super::create_product(&state.db, &state.config.currency, &admin.customer.id, body).await?;
    Ok((StatusCode::CREATED, axum::Json(Render::new(&state.config, true).product(product))))
}

/// One product in any status.
#[utoipa::path(get, path = "/v1/admin/products/{id}", tag = "admin",
    params(("id" = String, Path, description = "`prod_…` id or handle")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ProductView),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_product(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<ProductView>, ApiError> {
    let product = super::get_product(&state.db, &id, Audience::Admin).await?;
    Ok(axum::Json(Render::new(&state.config, true).product(product)))
}

/// Change any of a product's fields but its variants (those have their own routes).
#[utoipa::path(patch, path = "/v1/admin/products/{id}", tag = "admin", request_body = ProductPatch,
    params(("id" = String, Path, description = "`prod_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ProductView),
        (status = 400, description = "`validation_failed` (also for `variants`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`handle_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_product(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<ProductPatch>,
) -> Result<axum::Json<ProductView>, ApiError> {
    let product = super::update_product(&state.db, &id, body).await?;
    Ok(axum::Json(Render::new(&state.config, true).product(product)))
}

/// Archive a product: shoppers stop seeing it; it is never deleted, so orders keep their
/// reference to it. Archiving twice is harmless.
#[utoipa::path(delete, path = "/v1/admin/products/{id}", tag = "admin",
    params(("id" = String, Path, description = "`prod_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "archived"),
        (status = 404, response = inline(NotFound)),
    ))]
async fn archive_product(
    State(state): State<AppState>,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    super::archive_product(&state.db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a variant (with its opening stock) to a product.
#[utoipa::path(post, path = "/v1/admin/products/{id}/variants", tag = "admin", request_body = NewVariant,
    params(("id" = String, Path, description = "`prod_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = VariantView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`sku_taken` or `too_many_variants`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_variant(
    State(state): State<AppState>,
    AdminCaller(admin): AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<NewVariant>,
) -> Result<(StatusCode, axum::Json<VariantView>), ApiError> {
    let variant =
        super::add_variant(&state.db, &state.config.currency, &admin.customer.id, &id, body).await?;
    Ok((StatusCode::CREATED, axum::Json(Render::new(&state.config, true).variant(variant))))
}

/// Change a variant's SKU, title, options or price. Stock changes go through inventory
/// adjustments, so `stock` is not accepted here.
#[utoipa::path(patch, path = "/v1/admin/variants/{id}", tag = "admin", request_body = VariantPatch,
    params(("id" = String, Path, description = "`var_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = VariantView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`sku_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_variant(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<VariantPatch>,
) -> Result<axum::Json<VariantView>, ApiError> {
    let variant = super::update_variant(&state.db, &state.config.currency, &id, body).await?;
    Ok(axum::Json(Render::new(&state.config, true).variant(variant)))
}
