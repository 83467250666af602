//! Shipments over HTTP for admins: `/v1/admin/orders/{id}/shipments` and
//! `/v1/admin/shipments/{id}/…`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    shipments::ShipmentInput,
    views::{OrderView, view},
};
use crate::http::openapi::{NotFound, ValidationFailed};
use crate::{
    error::{ApiError, Problem},
    http::{csrf::NoBody, json::Json},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_shipment))
        .routes(routes!(deliver_shipment))
        .routes(routes!(cancel_shipment))
}

/// Units of an order's lines to ship together, and how they travel.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentRequest {
    /// The units of each line to ship (1–100 lines); left out, everything not shipped yet.
    pub items: Option<Vec<ShipmentItemRequest>>,
    /// 1–100 characters (`DHL`, `UPS`).
    pub carrier: Option<String>,
    /// 1–100 characters.
    pub tracking_number: Option<String>,
    /// An http(s) URL where the shopper can follow the parcel.
    pub tracking_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentItemRequest {
    /// An order line's `id` (`oi_…`).
    pub order_item_id: String,
    /// 1–999, at most what is left to ship of the line.
    pub quantity: i64,
}

/// Ship some units of a paid order. The order is `partially_fulfilled` until every unit has
/// shipped, then `fulfilled`; the customer gets one "your order has shipped" email per shipment.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/shipments", tag = "admin", request_body = ShipmentRequest,
    params(("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = OrderView, description = "The order with the new shipment (last in `shipments`)"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`fulfillment_exceeds_order` (`errors[]` names each line and what is left of it), `invalid_state` (not `paid` or `partially_fulfilled`)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_shipment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Option<Json<ShipmentRequest>>,
) -> Result<(StatusCode, axum::Json<OrderView>), ApiError> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let input = ShipmentInput {
        items: body.items.map(|items| items.into_iter().map(|i| (i.order_item_id, i.quantity)).collect()),
        carrier: body.carrier,
        tracking_number: body.tracking_number,
        tracking_url: body.tracking_url,
    };
    Ok((StatusCode::CREATED, axum::Json(view(super::shipments::ship(&state.db, &id, input).await?))))
}

/// Mark a shipment delivered (it can no longer be cancelled).
#[utoipa::path(post, path = "/v1/admin/shipments/{id}/deliver", tag = "admin",
    params(("id" = String, Path, description = "`shp_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`invalid_state`: the shipment is not `shipped`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn deliver_shipment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<axum::Json<OrderView>, ApiError> {
    Ok(axum::Json(view(super::shipments::deliver(&state.db, &id).await?)))
}

/// Cancel a shipment before it is delivered: its units count as not shipped again, and the order
/// goes back to `partially_fulfilled` (or `paid`).
#[utoipa::path(post, path = "/v1/admin/shipments/{id}/cancel", tag = "admin",
    params(("id" = String, Path, description = "`shp_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OrderView),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`invalid_state`: the shipment is not `shipped` (delivered or cancelled already)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cancel_shipment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<axum::Json<OrderView>, ApiError> {
    Ok(axum::Json(view(super::shipments::cancel(&state.db, &id).await?)))
}
