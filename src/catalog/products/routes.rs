//! Products over HTTP for shoppers: `GET /v1/products`, `GET /v1/products/{id_or_handle}`.

use axum::extract::{Path, State};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Audience,
    params::ProductListParams,
    views::{ProductView, Render},
};
use crate::http::openapi::ValidationFailed;
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::query::Query,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_products)).routes(routes!(get_product))
}

/// Published products: search, filter, sort and page through them.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(ProductListParams),
    responses(
        (status = 200, description = "`{data: [product], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
    ))]
async fn list_products(
    State(state): State<AppState>,
    Query(params): Query<ProductListParams>,
) -> Result<axum::Json<Page<ProductView>>, ApiError> {
    let query = params.to_query(Audience::Shopper)?;
    let (products, next_cursor) = super::list_products(&state.db, &state.catalog_size, &query).await?;
    let render = Render::new(&state.config, false);
    Ok(axum::Json(Page { data: products.into_iter().map(|p| render.product(p)).collect(), next_cursor }))
}

/// One published product, by id or handle, with its variants, prices and stock.
#[utoipa::path(get, path = "/v1/products/{id_or_handle}", tag = "catalog",
    params(("id_or_handle" = String, Path, description = "`prod_…` id or handle")),
    responses(
        (status = 200, body = ProductView),
        (status = 404, description = "`not_found` (also for drafts and archived products)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_product(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<axum::Json<ProductView>, ApiError> {
    let product = super::get_product(&state.db, &key, Audience::Shopper).await?;
    Ok(axum::Json(Render::new(&state.config, false).product(product)))
}
