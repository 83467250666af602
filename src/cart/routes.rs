//! Carts over HTTP: `/v1/carts…`, for guests and signed-in customers alike.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Cart, CartLine};
use crate::http::openapi::{NotFound, ValidationFailed};
use crate::{
    catalog::products::views::absolute_url,
    error::{ApiError, Problem},
    http::{auth::MaybeCaller, csrf::NoBody, json::Json, rate_limit::ClientIp},
    money::Money,
    state::AppState,
    time::rfc3339,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct CartView {
    #[schema(example = "cart_2f9q0x8m3k7v1c5b4n6h8j0r2t")]
    pub id: String,
    /// `open`, or `completed` once checked out.
    #[schema(example = "open")]
    pub status: &'static str,
    /// The order this cart became, once completed.
    pub order_id: Option<String>,
    pub items: Vec<CartItemView>,
    /// Units across the lines that can be bought.
    pub item_count: i64,
    /// Lines at the variants' current prices; lines with `purchasable: false` do not count.
    pub subtotal: Money,
    /// What checkout would charge now (no shipping or tax yet, so equal to `subtotal`).
    pub total: Money,
    #[schema(example = "usd")]
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CartItemView {
    #[schema(example = "item_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub product_title: String,
    pub product_handle: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    /// The variant's current price.
    pub unit_price: Money,
    pub line_total: Money,
    /// Units available now; checkout claims them.
    pub available: i64,
    /// False when the product was withdrawn from sale after it was added: remove the line to
    /// check out.
    pub purchasable: bool,
    /// The product's first image, if any.
    pub image: Option<String>,
}

fn view(state: &AppState, cart: Cart) -> CartView {
    let currency = state.config.currency.as_str();
    let money = |amount| Money::new(amount, currency);
    let subtotal = cart.subtotal();
    let line = |l: CartLine| CartItemView {
        unit_price: money(l.unit_price),
        line_total: money(l.line_total()),
        image: l.image.as_deref().map(|url| absolute_url(&state.config.public_url, url)),
        id: l.id,
        variant_id: l.variant_id,
        product_id: l.product_id,
        product_title: l.product_title,
        product_handle: l.product_handle,
        variant_title: l.variant_title,
        sku: l.sku,
        quantity: l.quantity,
        available: l.available,
        purchasable: l.purchasable,
    };
    CartView {
        item_count: cart.item_count(),
        items: cart.lines.into_iter().map(line).collect(),
        subtotal: money(subtotal),
        total: money(subtotal),
        currency: currency.to_owned(),
        status: cart.status.as_str(),
        order_id: cart.order_id,
        created_at: rfc3339(cart.created_at),
        updated_at: rfc3339(cart.updated_at),
        id: cart.id,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddItemRequest {
    #[schema(example = "var_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub variant_id: String,
    /// 1–999; added to the line's quantity when the variant is already in the cart.
    #[schema(example = 1)]
    pub quantity: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    /// 0–999; 0 removes the line.
    pub quantity: i64,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_cart))
        .routes(routes!(get_cart))
        .routes(routes!(add_item))
        .routes(routes!(update_item, remove_item))
}

fn caller_id(caller: &MaybeCaller) -> Option<&str> {
    caller.0.as_ref().map(|s| s.customer.id.as_str())
}

/// Open a cart. Signed in, it belongs to you and only you can use it; as a guest, its id is
/// the key to it, so keep it private.
#[utoipa::path(post, path = "/v1/carts", tag = "cart",
    responses(
        (status = 201, body = CartView),
        (status = 400, description = "`validation_failed`: this endpoint takes no body", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many carts from this address; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_cart(
    State(state): State<AppState>,
    caller: MaybeCaller,
    ip: ClientIp,
    _: NoBody,
) -> Result<(StatusCode, axum::Json<CartView>), ApiError> {
    // Every cart counts against its client's address: one client cannot fill the table.
    let per_ip = ip.limit_key("cart").map(|key| (key, state.config.rate_limits.carts_per_ip));
    let _attempt = state.auth_limiter.admit(&Vec::from_iter(per_ip))?;
    let cart = super::create_cart(&state.db, caller_id(&caller)).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, cart))))
}

/// A cart with current prices and stock.
#[utoipa::path(get, path = "/v1/carts/{id}", tag = "cart",
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 404, description = "`not_found` (also for another customer's cart)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_cart(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::get_cart(&state.db, &id, caller_id(&caller)).await?;
    Ok(axum::Json(view(&state, cart)))
}

/// Add a variant; adding one already in the cart adds to its line.
#[utoipa::path(post, path = "/v1/carts/{id}/items", tag = "cart", request_body = AddItemRequest,
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`out_of_stock` (with `available`), `cart_completed` (with `order_id`), or `cart_full` (with `max_lines`: a cart holds at most 100 different variants)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_item(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Json(body): Json<AddItemRequest>,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::add_item(&state.db, &id, caller_id(&caller), &body.variant_id, body.quantity).await?;
    Ok(axum::Json(view(&state, cart)))
}

/// Change a line's quantity; 0 removes it.
#[utoipa::path(patch, path = "/v1/carts/{id}/items/{item_id}", tag = "cart", request_body = UpdateItemRequest,
    params(("id" = String, Path, description = "`cart_…` id"), ("item_id" = String, Path, description = "`item_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`out_of_stock` or `cart_completed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_item(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path((id, item_id)): Path<(String, String)>,
    Json(body): Json<UpdateItemRequest>,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::set_quantity(&state.db, &id, caller_id(&caller), &item_id, body.quantity).await?;
    Ok(axum::Json(view(&state, cart)))
}

/// Remove a line.
#[utoipa::path(delete, path = "/v1/carts/{id}/items/{item_id}", tag = "cart",
    params(("id" = String, Path, description = "`cart_…` id"), ("item_id" = String, Path, description = "`item_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`cart_completed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_item(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path((id, item_id)): Path<(String, String)>,
    _: NoBody,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::remove_item(&state.db, &id, caller_id(&caller), &item_id).await?;
    Ok(axum::Json(view(&state, cart)))
}
