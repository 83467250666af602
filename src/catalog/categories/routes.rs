//! Catalog over HTTP: `/v1/categories`, `/v1/admin/categories`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{NewCategory, views::CategoryView};
use crate::http::openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed};
use crate::page::{Cursor, Page};
use crate::{
    error::{ApiError, Problem},
    http::{
        auth::AdminCaller,
        csrf::NoBody,
        json::Json,
        query::{ListParams, Query},
    },
    state::AppState,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryRequest {
    pub name: String,
    /// Lower-case words joined by dashes; derived from `name` when omitted.
    pub handle: Option<String>,
    pub parent_id: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_categories))
}

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_category)).routes(routes!(update_category, delete_category))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    pub name: Option<String>,
    pub handle: Option<String>,
    /// Another category to move under, or `null` to move to the top of the tree. Left out, the
    /// category stays where it is.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
}

/// Rename a category, change its handle, or move it (`parent_id`; `null` for the top).
#[utoipa::path(patch, path = "/v1/admin/categories/{id}", tag = "admin", request_body = UpdateCategoryRequest,
    params(("id" = String, Path, description = "`cat_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CategoryView),
        (status = 400, description = "`validation_failed` (also a parent that is the category or below it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`handle_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_category(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<UpdateCategoryRequest>,
) -> Result<axum::Json<CategoryView>, ApiError> {
    let patch = super::CategoryPatch { name: body.name, handle: body.handle, parent_id: body.parent_id };
    Ok(axum::Json(super::update_category(&state.db, &id, patch).await?.into()))
}

/// Delete an empty category. One that still holds subcategories or products is
/// `409 category_not_empty` (with `subcategories` and `products` counts): move them first.
#[utoipa::path(delete, path = "/v1/admin/categories/{id}", tag = "admin",
    params(("id" = String, Path, description = "`cat_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`category_not_empty`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_category(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    super::delete_category(&state.db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every category, parents before children (oldest first).
#[utoipa::path(get, path = "/v1/categories", tag = "catalog", params(ListParams),
    responses(
        (status = 200, description = "`{data: [category], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
    ))]
async fn list_categories(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<CategoryView>>, ApiError> {
    let page = params.page()?;
    let rows = super::list_categories(&state.db, &page).await?;
    let page = Page::from_rows(rows, page.limit, |c| Cursor { at: c.created_at, id: c.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}

/// Create a category, optionally under a parent.
#[utoipa::path(post, path = "/v1/admin/categories", tag = "admin", request_body = CreateCategoryRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = CategoryView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`handle_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_category(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Json(body): Json<CreateCategoryRequest>,
) -> Result<(StatusCode, axum::Json<CategoryView>), ApiError> {
    let input = NewCategory { name: body.name, handle: body.handle, parent_id: body.parent_id };
    let category = super::create_category(&state.db, input).await?;
    Ok((StatusCode::CREATED, axum::Json(category.into())))
}
