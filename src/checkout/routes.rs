//! Checkout over HTTP: `POST /v1/carts/{id}/checkout`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::CheckoutRequest;
use crate::http::openapi::NotFound;
use crate::{
    error::{ApiError, Problem},
    http::{auth::MaybeCaller, json::Json},
    orders::views::{OrderView, view},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(checkout))
}

/// Pay for the cart and place the order. Stock is claimed for every line before the payment
/// is taken and released at once if it fails; the cart is charged at most once however often
/// this is sent. The answer carries the order's `access_token`, shown only here.
#[utoipa::path(post, path = "/v1/carts/{id}/checkout", tag = "cart", request_body = CheckoutRequest,
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 201, body = OrderView, description = "The order, `paid`, with `access_token`"),
        (status = 202, body = OrderView, description = "The order, `pending_payment`: the customer must authenticate (3-D Secure) with `payment.client_secret`; a webhook settles it"),
        (status = 400, description = "`validation_failed` (also for an empty cart)", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "`payment_declined`: nothing charged, stock released, the cart stays open", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`out_of_stock` (each short line in `errors`), or `cart_completed` (with `order_id`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "`payment_provider_error`: safe to retry, never charged twice", body = Problem, content_type = "application/problem+json"),
    ))]
async fn checkout(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Json(body): Json<CheckoutRequest>,
) -> Result<(StatusCode, axum::Json<OrderView>), ApiError> {
    let customer = caller.0.as_ref().map(|s| s.customer.id.as_str());
    let placed = super::checkout(
        &state.db,
        &state.payments,
        state.checkout_pricing(),
        &state.config,
        &id,
        customer,
        body,
    )
    .await?;
    let paid = placed.client_secret.is_none();
    let mut order = view(placed.order);
    order.access_token = Some(placed.access_token);
    if let Some(payment) = order.payment.as_mut() {
        payment.client_secret = placed.client_secret;
    }
    // 202: the order waits for the customer (3-D Secure) with `payment.client_secret`.
    Ok((if paid { StatusCode::CREATED } else { StatusCode::ACCEPTED }, axum::Json(order)))
}
