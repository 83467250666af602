//! Carts over HTTP: `/v1/carts…`, for guests and signed-in customers alike.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Cart, CartAddress,
    views::{CartView, cart_view},
};
use crate::http::openapi::{NotFound, ValidationFailed};
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::{auth::MaybeCaller, csrf::NoBody, json::Json, rate_limit::ClientIp},
    money::Money,
    promotions::Buyer,
    shipping::FreeOverBasis,
    state::AppState,
};

/// The cart priced as it stands (its address, shipping and promotions included), as answers
/// show it.
async fn view(state: &AppState, cart: Cart, caller: Option<&str>) -> Result<CartView, ApiError> {
    let totals = super::price_cart(&state.db, state.pricing(), &cart, buyer(&cart, caller)).await?;
    Ok(cart_view(cart, totals, &state.config.currency, &state.config.public_url))
}

/// Who buys with the cart, as far as a cart read knows: its customer, or whoever is signed in.
fn buyer<'a>(cart: &'a Cart, caller: Option<&'a str>) -> Buyer<'a> {
    Buyer { customer_id: cart.customer_id.as_deref().or(caller), email: None }
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
        .routes(routes!(set_shipping_address))
        .routes(routes!(list_shipping_options))
        .routes(routes!(choose_shipping_option))
        .routes(routes!(add_promotion_code))
        .routes(routes!(remove_promotion_code))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionCodeRequest {
    /// As the shopper typed it: any case, spaces around ignored.
    #[schema(example = "WELCOME10")]
    pub code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChooseShippingRequest {
    /// A `ship_…` id from `GET /v1/carts/{id}/shipping-options`, or `null` to go back to the
    /// region's default (its first option that can take the cart).
    pub shipping_option_id: Option<String>,
}

/// An option the cart can ship by, priced for it.
#[derive(Serialize, ToSchema)]
pub struct CartShippingOptionView {
    #[schema(example = "ship_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    #[schema(example = "Standard")]
    pub name: String,
    /// Its price for this cart, free-shipping threshold applied, as the region shows prices
    /// (with tax in a tax-inclusive region).
    pub amount: Money,
    /// The items' subtotal from which it ships free, if any, and on what it is measured.
    pub free_over: Option<Money>,
    pub free_over_basis: Option<FreeOverBasis>,
    /// True for the option the cart ships by now (chosen, or the default).
    pub selected: bool,
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
    Ok((StatusCode::CREATED, axum::Json(view(&state, cart, caller_id(&caller)).await?)))
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
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
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
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
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
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
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
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
}

/// Set where the cart ships: the country at least (it picks the region, so shipping options
/// and tax show before payment), the rest of the address when the shopper has given it.
#[utoipa::path(put, path = "/v1/carts/{id}/shipping-address", tag = "cart", request_body = CartAddress,
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 400, description = "`validation_failed`: also a `country` the shop does not ship to, or a missing `province` where the region needs one", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`cart_completed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn set_shipping_address(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Json(body): Json<CartAddress>,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::set_shipping_address(&state.db, &state.regions, &id, caller_id(&caller), &body).await?;
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
}

/// The shipping options that can take the cart to its address now, each priced for it, in
/// the order to show them. Empty until the cart has an address, and when nothing needs shipping.
#[utoipa::path(get, path = "/v1/carts/{id}/shipping-options", tag = "cart",
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, description = "`{data: [option], next_cursor: null}`"),
        (status = 404, response = inline(NotFound)),
    ))]
async fn list_shipping_options(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<Page<CartShippingOptionView>>, ApiError> {
    let cart = super::get_cart(&state.db, &id, caller_id(&caller)).await?;
    let options =
        super::eligible_options(&state.db, state.pricing(), &cart, buyer(&cart, caller_id(&caller))).await?;
    let currency = state.config.currency.as_str();
    let chosen = cart.shipping_option_id.as_deref();
    let selected_id = match chosen {
        Some(id) => Some(id),
        None => options.first().map(|(o, _)| o.id.as_str()),
    };
    let data = options
        .iter()
        .map(|(o, price)| CartShippingOptionView {
            id: o.id.clone(),
            name: o.name.clone(),
            amount: Money::new(*price, currency),
            free_over: o.free_over.map(|f| Money::new(f.amount, currency)),
            free_over_basis: o.free_over.map(|f| f.basis),
            selected: selected_id == Some(o.id.as_str()),
        })
        .collect();
    Ok(axum::Json(Page { data, next_cursor: None }))
}

/// Choose the option the cart ships by. Eligibility and price are worked out again on every
/// cart read: if the option stops fitting the cart (disabled, over its limit, another region),
/// the cart shows it as unavailable and checkout refuses it; it is never swapped silently.
#[utoipa::path(put, path = "/v1/carts/{id}/shipping-option", tag = "cart", request_body = ChooseShippingRequest,
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 400, description = "`validation_failed`: not an option of the address's region, no address yet, or nothing to ship", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`shipping_option_unavailable` (with `reason`: `disabled`, `subtotal_over_limit`, `weight_over_limit`), `cart_completed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn choose_shipping_option(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Json(body): Json<ChooseShippingRequest>,
) -> Result<axum::Json<CartView>, ApiError> {
    let option = body.shipping_option_id.as_deref();
    let cart =
        super::choose_shipping_option(&state.db, state.pricing(), &id, caller_id(&caller), option).await?;
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
}

/// Apply a promotion code. It is kept only if it applies to the cart now; then it shows in
/// `discounts` and `promotion_codes`, and is worked out again on every read.
#[utoipa::path(post, path = "/v1/carts/{id}/promotion-codes", tag = "cart", request_body = PromotionCodeRequest,
    params(("id" = String, Path, description = "`cart_…` id")),
    responses(
        (status = 200, body = CartView),
        (status = 400, description = "`validation_failed`: not a code's shape, or the cart already holds 5 codes", body = Problem, content_type = "application/problem+json"),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`cart_completed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`promotion_not_applicable` with `reason`: `unknown_code`, `expired`, `not_started`, `minimum_not_met`, `usage_limit_reached`, `not_combinable` or `not_eligible`; the cart is unchanged", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many codes that do not exist tried from this address", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_promotion_code(
    State(state): State<AppState>,
    caller: MaybeCaller,
    ip: ClientIp,
    Path(id): Path<String>,
    Json(body): Json<PromotionCodeRequest>,
) -> Result<axum::Json<CartView>, ApiError> {
    // Counted first, taken back unless the code was no promotion's: guessing stays slow.
    let per_ip =
        ip.limit_key("promotion_code").map(|key| (key, state.config.rate_limits.unknown_codes_per_ip));
    let attempt = state.auth_limiter.admit(&Vec::from_iter(per_ip))?;
    match super::add_promotion_code(&state.db, state.pricing(), &id, caller_id(&caller), &body.code).await {
        Ok(cart) => {
            attempt.refund();
            Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
        }
        Err(refused) => {
            if !refused.unknown {
                attempt.refund();
            }
            Err(refused.error)
        }
    }
}

/// Remove a promotion code from the cart.
#[utoipa::path(delete, path = "/v1/carts/{id}/promotion-codes/{code}", tag = "cart",
    params(("id" = String, Path, description = "`cart_…` id"), ("code" = String, Path, description = "a code on the cart, any case")),
    responses(
        (status = 200, body = CartView),
        (status = 404, description = "`not_found`: no such cart, or the code is not on it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cart_completed`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_promotion_code(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path((id, code)): Path<(String, String)>,
    _: NoBody,
) -> Result<axum::Json<CartView>, ApiError> {
    let cart = super::remove_promotion_code(&state.db, &id, caller_id(&caller), &code).await?;
    Ok(axum::Json(view(&state, cart, caller_id(&caller)).await?))
}
