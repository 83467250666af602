//! Promotions over HTTP: `/v1/admin/promotions` and their codes.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    BenefitType, Class, Customers, PromotionInput, Trigger,
    views::{PromotionCodeView, PromotionView, RedemptionView},
};
use crate::http::openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed};
use crate::money::PriceInput;
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

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_promotion, list_promotions))
        .routes(routes!(get_promotion, update_promotion, delete_promotion))
        .routes(routes!(generate_codes, list_codes))
        .routes(routes!(list_redemptions))
}

/// A promotion. On `POST`, `name`, `class`, `type` and `trigger` are required, with the fields
/// of the type (`percentage_bps`; `amount`; `buy_quantity`, `get_quantity` and optionally
/// `percentage_bps`). On `PATCH` every field may be left out; `class`, `type`, `trigger` and
/// `code` cannot change, and a nullable field sent as `null` is cleared.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionRequest {
    /// 1–100 characters.
    #[schema(example = "Welcome 10%")]
    pub name: Option<String>,
    pub class: Option<Class>,
    #[serde(rename = "type")]
    pub benefit_type: Option<BenefitType>,
    /// 1–10000 (10000 = 100%). For `buy_x_get_y`, what the free units get off (default 10000).
    #[schema(example = 1000)]
    pub percentage_bps: Option<i64>,
    /// For `fixed`: minor units, or a money object in the store currency.
    pub amount: Option<PriceInput>,
    /// For `buy_x_get_y`: 1–100 each.
    pub buy_quantity: Option<i64>,
    pub get_quantity: Option<i64>,
    pub trigger: Option<Trigger>,
    /// A shared code for a `code` promotion (`POST` only): 3–32 letters, digits, `-` or `_`,
    /// matched case-insensitively; unique across the store.
    #[schema(example = "WELCOME10")]
    pub code: Option<String>,
    /// The products, and the categories (with every category under them), that qualify; none:
    /// every product. At most 100 of each.
    pub product_ids: Option<Vec<String>>,
    pub category_ids: Option<Vec<String>>,
    /// The least the qualifying items must come to, after the discounts applied before this
    /// promotion's class.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<PriceInput>)]
    pub min_subtotal: Option<Option<PriceInput>>,
    /// The fewest qualifying units, 0–10000.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<i64>)]
    pub min_quantity: Option<Option<i64>>,
    /// `anyone` (default), `signed_in`, or `new` (no paid order yet).
    pub customers: Option<Customers>,
    /// RFC 3339 with an offset; `ends_at` must be later.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>, example = "2026-12-01T00:00:00Z")]
    pub starts_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<String>)]
    pub ends_at: Option<Option<String>>,
    /// Default true.
    pub enabled: Option<bool>,
    /// The classes of other promotions it may be used with (default none). Two promotions apply
    /// together only if each lists the other's class.
    pub combines_with: Option<Vec<Class>>,
    /// Most redemptions in all, and per customer (a customer id, or a guest's email): 1 to 10^9.
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<i64>)]
    pub usage_limit: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::http::json::present")]
    #[schema(value_type = Option<i64>)]
    pub per_customer_limit: Option<Option<i64>>,
}

impl PromotionRequest {
    fn into_parts(self) -> (PromotionInput, Option<String>) {
        let input = PromotionInput {
            name: self.name,
            class: self.class,
            benefit_type: self.benefit_type,
            percentage_bps: self.percentage_bps,
            amount: self.amount,
            buy_quantity: self.buy_quantity,
            get_quantity: self.get_quantity,
            trigger: self.trigger,
            product_ids: self.product_ids,
            category_ids: self.category_ids,
            min_subtotal: self.min_subtotal,
            min_quantity: self.min_quantity,
            customers: self.customers,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            enabled: self.enabled,
            combines_with: self.combines_with,
            usage_limit: self.usage_limit,
            per_customer_limit: self.per_customer_limit,
        };
        (input, self.code)
    }
}

/// Create a promotion.
#[utoipa::path(post, path = "/v1/admin/promotions", tag = "admin", request_body = PromotionRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = PromotionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`promotion_code_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_promotion(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Json(body): Json<PromotionRequest>,
) -> Result<(StatusCode, axum::Json<PromotionView>), ApiError> {
    let currency = &state.config.currency;
    let (input, code) = body.into_parts();
    let made = super::create_promotion(&state.db, currency, input, code.as_deref()).await?;
    Ok((StatusCode::CREATED, axum::Json(PromotionView::new(made, currency))))
}

/// Every promotion, oldest first, with its usage.
#[utoipa::path(get, path = "/v1/admin/promotions", tag = "admin", params(ListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [promotion], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_promotions(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<PromotionView>>, ApiError> {
    let page = params.page()?;
    let rows = super::list_promotions(&state.db, &page).await?;
    let page = Page::from_rows(rows, page.limit, |d| Cursor {
        at: d.promotion.created_at,
        id: d.promotion.id.clone(),
    });
    Ok(axum::Json(page.map(|d| PromotionView::new(d, &state.config.currency))))
}

/// One promotion, with its usage: redemptions used (paid), held (checkouts under way) and
/// remaining under its limit.
#[utoipa::path(get, path = "/v1/admin/promotions/{id}", tag = "admin",
    params(("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = PromotionView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_promotion(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<PromotionView>, ApiError> {
    let found = super::get_promotion(&state.db, &id).await?;
    Ok(axum::Json(PromotionView::new(found, &state.config.currency)))
}

/// Change a promotion. Carts are priced by the change from their next read.
#[utoipa::path(patch, path = "/v1/admin/promotions/{id}", tag = "admin", request_body = PromotionRequest,
    params(("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = PromotionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn update_promotion(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<PromotionRequest>,
) -> Result<axum::Json<PromotionView>, ApiError> {
    let currency = &state.config.currency;
    let (input, code) = body.into_parts();
    if code.is_some() {
        return Err(ApiError::field("code", "cannot be changed; generate codes or make a new promotion"));
    }
    let changed = super::update_promotion(&state.db, currency, &id, input).await?;
    Ok(axum::Json(PromotionView::new(changed, currency)))
}

/// Delete a promotion that was never redeemed, with its codes.
#[utoipa::path(delete, path = "/v1/admin/promotions/{id}", tag = "admin",
    params(("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`promotion_redeemed`: disable it instead", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_promotion(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    super::delete_promotion(&state.db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateCodesRequest {
    /// 1–1000.
    #[schema(example = 100)]
    pub count: i64,
    /// Up to 16 letters, digits, `-` or `_` before the 10 random characters.
    #[schema(example = "VIP-")]
    pub prefix: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GeneratedCodes {
    /// The new single-use codes.
    pub data: Vec<String>,
}

/// Generate single-use codes for a `code` promotion (each redeemable once; the promotion's own
/// limits apply too).
#[utoipa::path(post, path = "/v1/admin/promotions/{id}/codes", tag = "admin", request_body = GenerateCodesRequest,
    params(("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = GeneratedCodes),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`promotion_is_automatic`, `too_many_codes` (100000 per promotion)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn generate_codes(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<GenerateCodesRequest>,
) -> Result<(StatusCode, axum::Json<GeneratedCodes>), ApiError> {
    let prefix = body.prefix.unwrap_or_default();
    let codes = super::generate_codes(&state.db, &id, body.count, &prefix).await?;
    Ok((StatusCode::CREATED, axum::Json(GeneratedCodes { data: codes })))
}

/// A promotion's codes in code order, each with its usage.
#[utoipa::path(get, path = "/v1/admin/promotions/{id}/codes", tag = "admin", params(ListParams,
        ("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [code], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn list_codes(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<PromotionCodeView>>, ApiError> {
    let page = params.page()?;
    let after = page.after.as_ref().map_or("", |c| c.id.as_str());
    let rows = super::list_codes(&state.db, &id, after, page.limit).await?;
    let page = Page::from_rows(rows, page.limit, |c| Cursor { at: 0, id: c.code.clone() });
    Ok(axum::Json(page.map(PromotionCodeView::new)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RedemptionParams {
    /// `held`, `used` or `released`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A promotion's redemptions, newest first: which order redeemed it, with which code, by whom,
/// for how much, and whether it is held, used or released.
#[utoipa::path(get, path = "/v1/admin/promotions/{id}/redemptions", tag = "admin", params(RedemptionParams,
        ("id" = String, Path, description = "`promo_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [redemption], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn list_redemptions(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Query(params): Query<RedemptionParams>,
) -> Result<axum::Json<Page<RedemptionView>>, ApiError> {
    let status = params.status.as_deref();
    if status.is_some_and(|s| !["held", "used", "released"].contains(&s)) {
        return Err(ApiError::field("status", "must be held, used or released"));
    }
    let page = ListParams { limit: params.limit, cursor: params.cursor }.page()?;
    let rows = super::list_redemptions(&state.db, &id, status, &page).await?;
    let page = Page::from_rows(rows, page.limit, |r| Cursor { at: r.created_at, id: r.id.clone() });
    Ok(axum::Json(page.map(|r| RedemptionView::new(r, &state.config.currency))))
}
