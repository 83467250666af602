//! Orders over HTTP for their owners: `GET /v1/orders/{id}`, `GET /v1/me/orders`.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Reader,
    views::{OrderView, page_view, view},
};
use crate::http::openapi::{NotFound, Unauthorized};
use crate::page::Page;
use crate::{
    accounts::Role,
    error::ApiError,
    http::{
        auth::{Caller, MaybeCaller},
        query::{ListParams, Query},
    },
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderAccess {
    /// The order's access token, for a guest (from the checkout response or the email).
    pub token: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_order)).routes(routes!(my_orders))
}

/// One order, for its customer, an admin, or whoever holds its access token. Anyone else gets
/// the same `404` as for an order that does not exist.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "`ord_…` id"), OrderAccess),
    responses(
        (status = 200, body = OrderView),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_order(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(access): Query<OrderAccess>,
) -> Result<axum::Json<OrderView>, ApiError> {
    let session = caller.0.as_ref();
    let reader = Reader {
        admin: session.is_some_and(|s| s.customer.role == Role::Admin),
        customer_id: session.map(|s| s.customer.id.as_str()),
        token: access.token.as_deref(),
    };
    let order = super::get_order(&state.db, &id, reader).await?;
    Ok(axum::Json(view(order)))
}

/// The signed-in customer's orders, newest first.
#[utoipa::path(get, path = "/v1/me/orders", tag = "accounts", params(ListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [order], next_cursor}`"),
        (status = 401, response = inline(Unauthorized)),
    ))]
async fn my_orders(
    State(state): State<AppState>,
    Caller(session): Caller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<OrderView>>, ApiError> {
    let page = params.page()?;
    let orders = super::list_for_customer(&state.db, &session.customer.id, &page).await?;
    Ok(axum::Json(page_view(orders, page.limit)))
}
