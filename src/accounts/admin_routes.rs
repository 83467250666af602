//! Customers over HTTP for staff: `/v1/admin/customers…`.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::routes::CustomerView;
use crate::{
    error::{ApiError, Problem},
    http::{
        auth::AdminCaller,
        openapi::{NotFound, Unauthorized, ValidationFailed},
        query::{ListParams, Query},
    },
    page::{Cursor, Page},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_customers)).routes(routes!(find_customer))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerParams {
    /// Only accounts whose email or name contains this, in any case (1–100 characters).
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Every customer and admin, newest first; `q` finds them by email or name.
#[utoipa::path(get, path = "/v1/admin/customers", tag = "admin", params(CustomerParams), security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [customer], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, description = "`forbidden`: not an admin", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_customers(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<CustomerParams>,
) -> Result<axum::Json<Page<CustomerView>>, ApiError> {
    let page = ListParams { limit: params.limit, cursor: params.cursor }.page()?;
    let search = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if search.is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::field("q", "must be at most 100 characters"));
    }
    let rows = super::list_customers(&state.db, &page, search).await?;
    let page = Page::from_rows(rows, page.limit, |c| Cursor { at: c.created_at, id: c.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}

/// One customer (or admin); their orders are `GET /v1/admin/orders?customer_id=…`.
#[utoipa::path(get, path = "/v1/admin/customers/{id}", tag = "admin",
    params(("id" = String, Path, description = "`cus_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CustomerView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, description = "`forbidden`: not an admin, or not a role that sees customers", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
    ))]
async fn find_customer(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<CustomerView>, ApiError> {
    Ok(axum::Json(super::find_customer(&state.db, &id).await?.into()))
}
