//! Orders over HTTP for admins: `/v1/admin/orders…`.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    OrderStatus, Reader,
    shipments::ShipmentInput,
    views::{OrderView, page_view, view},
};
use crate::http::openapi::{NotFound, ValidationFailed};
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::{
        csrf::NoBody,
        json::Json,
        query::{ListParams, Query},
    },
    state::AppState,
    time,
    validate::Validator,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminOrderParams {
    #[param(inline)]
    pub status: Option<OrderStatus>,
    /// Only the order with this number (`1001`).
    pub number: Option<i64>,
    /// Only orders placed with this email (any case).
    pub email: Option<String>,
    /// Only orders of this signed-in customer (`cus_…`).
    pub customer_id: Option<String>,
    /// Only orders placed at or after this instant (RFC 3339 with offset:
    /// `2026-12-01T00:00:00+01:00`).
    pub placed_from: Option<String>,
    /// Only orders placed before this instant (RFC 3339 with offset).
    pub placed_before: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfillRequest {
    pub tracking_number: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(fulfill))
        .routes(routes!(cancel))
}

/// Every order, newest first; `status` filters (`failed` lists checkouts whose payment did not
/// go through), `number` finds one order by its number, `email` the orders placed with an email,
/// `customer_id` a signed-in customer's orders, `placed_from`/`placed_before` a period.
#[utoipa::path(get, path = "/v1/admin/orders", tag = "admin", params(AdminOrderParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [order], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
    ))]
async fn list_orders(
    State(state): State<AppState>,
    Query(params): Query<AdminOrderParams>,
) -> Result<axum::Json<Page<OrderView>>, ApiError> {
    let mut v = Validator::new();
    let instant = |text: &Option<String>| text.as_deref().map(time::parse_rfc3339).transpose();
    let placed_from = v.check("placed_from", instant(&params.placed_from)).flatten();
    let placed_before = v.check("placed_before", instant(&params.placed_before)).flatten();
    if let (Some(from), Some(before)) = (placed_from, placed_before)
        && before <= from
    {
        v.check::<()>("placed_before", Err("must be later than placed_from".into()));
    }
    v.finish()?;
    let page = ListParams { limit: params.limit, cursor: params.cursor }.page()?;
    let filter = super::AdminFilter {
        status: params.status,
        number: params.number,
        email: params.email,
        customer_id: params.customer_id,
        placed_from,
        placed_before,
    };
    let orders = super::list_all(&state.db, &filter, &page).await?;
    Ok(axum::Json(page_view(orders, page.limit)))
}

#[utoipa::path(get, path = "/v1/admin/orders/{id}", tag = "admin",
    params(("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_order(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<OrderView>, ApiError> {
    Ok(axum::Json(view(super::get_order(&state.db, &id, Reader::ADMIN).await?)))
}

/// Ship everything not shipped yet, in one shipment: the order becomes `fulfilled`.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/fulfill", tag = "admin", request_body = FulfillRequest,
    params(("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`invalid_state`: not `paid` or `partially_fulfilled`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn fulfill(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Option<Json<FulfillRequest>>,
) -> Result<axum::Json<OrderView>, ApiError> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let everything = ShipmentInput {
        items: None,
        carrier: None,
        tracking_number: body.tracking_number,
        tracking_url: None,
    };
    Ok(axum::Json(view(super::shipments::ship(&state.db, &id, everything).await?)))
}

/// Cancel a paid order: the payment is refunded in full and the units go back to stock.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/cancel", tag = "admin",
    params(("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`invalid_state`: not paid", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`payment_provider_error`: the refund failed; nothing changed", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<axum::Json<OrderView>, ApiError> {
    Ok(axum::Json(view(super::lifecycle::cancel(&state.db, &state.payments, &id).await?)))
}
