//! Products over HTTP for shoppers: `GET /v1/products`, `GET /v1/products/{id_or_handle}`.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Audience, ProductQuery, ProductStatus, Sort,
    listing::ProductCursor,
    views::{ProductView, Render},
};
use crate::{
    app::AppState,
    error::{ApiError, Problem},
    http::query::{Page, Query},
    validate::Validator,
};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductListParams {
    /// Full-text search in titles and descriptions: every word must match (as a word prefix,
    /// after stemming); title matches rank first.
    pub q: Option<String>,
    /// A category id or handle; products in its sub-categories count too.
    pub category: Option<String>,
    /// Products with a variant priced at least this (minor units).
    pub min_price: Option<i64>,
    /// Products with a variant priced at most this (minor units).
    pub max_price: Option<i64>,
    /// `newest` (the default without `q`), `price_asc`, `price_desc` (by lowest variant price),
    /// `title`, or `relevance` (the default with `q`).
    #[param(inline)]
    pub sort: Option<Sort>,
    /// Admin list only: `draft`, `published` or `archived`; all when omitted.
    #[param(inline)]
    pub status: Option<ProductStatus>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page, with the same `sort`.
    pub cursor: Option<String>,
}

impl ProductListParams {
    pub fn to_query(&self, audience: Audience) -> Result<ProductQuery, ApiError> {
        let mut v = Validator::new();
        let search = v.check("q", super::parse_search(self.q.as_deref().unwrap_or(""))).flatten();
        let sort = self.sort.unwrap_or(if search.is_some() { Sort::Relevance } else { Sort::Newest });
        let price = |value: Option<i64>| match value {
            Some(p) if p < 0 => Err("must not be negative".to_owned()),
            other => Ok(other),
        };
        let min_price = v.check("min_price", price(self.min_price)).flatten();
        let max_price = v.check("max_price", price(self.max_price)).flatten();
        if let (Some(min), Some(max)) = (min_price, max_price)
            && min > max
        {
            v.check::<()>("max_price", Err("must not be below min_price".into()));
        }
        let limit = self.limit.unwrap_or(20);
        v.check(
            "limit",
            if (1..=100).contains(&limit) { Ok(()) } else { Err("must be between 1 and 100".into()) },
        );
        let after = match &self.cursor {
            None => None,
            Some(text) => v.check(
                "cursor",
                ProductCursor::decode(text, sort)
                    .ok_or_else(|| "is not a cursor this API issued for this sort".into()),
            ),
        };
        let status = match audience {
            Audience::Admin => self.status,
            Audience::Shopper if self.status.is_some() => {
                v.check::<()>("status", Err("is for the admin list; shoppers see published products".into()));
                None
            }
            Audience::Shopper => Some(ProductStatus::Published),
        };
        v.finish()?;
        let category = self.category.clone().filter(|c| !c.is_empty());
        Ok(ProductQuery { search, category, min_price, max_price, status, sort, limit, after })
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_products)).routes(routes!(get_product))
}

pub fn render(state: &AppState, admin: bool) -> Render<'_> {
    Render { currency: &state.config.currency, public_url: &state.config.public_url, admin }
}

/// Published products: search, filter, sort and page through them.
#[utoipa::path(get, path = "/v1/products", tag = "catalog", params(ProductListParams),
    responses(
        (status = 200, description = "`{data: [product], next_cursor}`"),
        (status = 400, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_products(
    State(state): State<AppState>,
    Query(params): Query<ProductListParams>,
) -> Result<axum::Json<Page<ProductView>>, ApiError> {
    let query = params.to_query(Audience::Shopper)?;
    let (products, next_cursor) = super::list_products(&state.db, &query).await?;
    let render = render(&state, false);
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
    Ok(axum::Json(render(&state, false).product(product)))
}
