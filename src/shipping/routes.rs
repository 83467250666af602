//! Shipping options over HTTP: `/v1/admin/regions/{id}/shipping-options` and
//! `/v1/admin/shipping-options/{id}`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{FreeOverBasis, OptionInput, PriceType, TierInput, views::ShippingOptionView};
use crate::http::openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed};
use crate::money::PriceInput;
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::{auth::AdminCaller, csrf::NoBody, json::Json},
    state::AppState,
};

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_option, list_options)).routes(routes!(
        get_option,
        update_option,
        delete_option
    ))
}

/// A shipping option. On `POST`, `name` and `price_type` are required, with `amount` for a
/// `flat` price or `tiers` for a tiered one; on `PATCH` every field may be left out.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShippingOptionRequest {
    /// 1–100 characters, unique in its region.
    #[schema(example = "Standard")]
    pub name: Option<String>,
    pub price_type: Option<PriceType>,
    /// A `flat` price: minor units, or a money object in the store currency. As the region
    /// shows prices: including its tax in a tax-inclusive region.
    pub amount: Option<PriceInput>,
    /// A tiered price: 1–20 tiers with ascending `up_to` (minor units of the items' subtotal, or
    /// grams of their weight); only the last may leave `up_to` out, for "and above". A cart
    /// beyond the last bound cannot use the option.
    pub tiers: Option<Vec<TierRequest>>,
    /// Carts whose items (those that need shipping) come to at least this ship free; `null`
    /// removes the threshold.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<PriceInput>)]
    pub free_over: Option<Option<PriceInput>>,
    /// What `free_over` is measured on: `after_discounts` (default) or `before_discounts`.
    pub free_over_basis: Option<FreeOverBasis>,
    /// How the shipping charge is taxed (default `standard`).
    #[schema(example = "standard")]
    pub tax_class: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
    /// 0–1000000 (default 0): shoppers see options by position, then name.
    pub position: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierRequest {
    /// Inclusive bound; left out (or null) on the last tier for "and above".
    #[schema(example = 2000)]
    pub up_to: Option<i64>,
    /// Minor units, or a money object in the store currency.
    pub amount: PriceInput,
}

impl From<ShippingOptionRequest> for OptionInput {
    fn from(r: ShippingOptionRequest) -> Self {
        Self {
            name: r.name,
            price_type: r.price_type,
            amount: r.amount,
            tiers: r.tiers.map(|tiers| {
                tiers.into_iter().map(|t| TierInput { up_to: t.up_to, amount: t.amount }).collect()
            }),
            free_over: r.free_over,
            free_over_basis: r.free_over_basis,
            tax_class: r.tax_class,
            enabled: r.enabled,
            position: r.position,
        }
    }
}

/// Add a shipping option to a region.
#[utoipa::path(post, path = "/v1/admin/regions/{id}/shipping-options", tag = "admin",
    request_body = ShippingOptionRequest,
    params(("id" = String, Path, description = "`reg_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = ShippingOptionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`shipping_option_name_taken`, `too_many_shipping_options` (50 per region)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_option(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(region_id): Path<String>,
    Json(body): Json<ShippingOptionRequest>,
) -> Result<(StatusCode, axum::Json<ShippingOptionView>), ApiError> {
    let currency = &state.config.currency;
    let option = super::create_option(&state.db, currency, &region_id, body.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(ShippingOptionView::new(option, currency))))
}

/// A region's shipping options, enabled or not, in the order shoppers see them (at most 50).
#[utoipa::path(get, path = "/v1/admin/regions/{id}/shipping-options", tag = "admin",
    params(("id" = String, Path, description = "`reg_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [shipping option], next_cursor: null}`"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn list_options(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(region_id): Path<String>,
) -> Result<axum::Json<Page<ShippingOptionView>>, ApiError> {
    let options = super::region_options(&state.db, &region_id).await?;
    let data = options.into_iter().map(|o| ShippingOptionView::new(o, &state.config.currency)).collect();
    Ok(axum::Json(Page { data, next_cursor: None }))
}

/// One shipping option.
#[utoipa::path(get, path = "/v1/admin/shipping-options/{id}", tag = "admin",
    params(("id" = String, Path, description = "`ship_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ShippingOptionView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_option(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<ShippingOptionView>, ApiError> {
    let option = super::find_option(&state.db, &id).await?;
    Ok(axum::Json(ShippingOptionView::new(option, &state.config.currency)))
}

/// Change a shipping option. Carts that chose it are priced by the change from their next read.
#[utoipa::path(patch, path = "/v1/admin/shipping-options/{id}", tag = "admin",
    request_body = ShippingOptionRequest,
    params(("id" = String, Path, description = "`ship_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = ShippingOptionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`shipping_option_name_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_option(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<ShippingOptionRequest>,
) -> Result<axum::Json<ShippingOptionView>, ApiError> {
    let currency = &state.config.currency;
    let option = super::update_option(&state.db, currency, &id, body.into()).await?;
    Ok(axum::Json(ShippingOptionView::new(option, currency)))
}

/// Delete a shipping option (placed orders keep what they were charged).
#[utoipa::path(delete, path = "/v1/admin/shipping-options/{id}", tag = "admin",
    params(("id" = String, Path, description = "`ship_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn delete_option(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    super::delete_option(&state.db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
