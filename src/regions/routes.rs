//! Regions over HTTP: `/v1/regions` (where the shop ships, for the storefront's address form)
//! and `/v1/admin/regions`, `/v1/admin/tax-classes`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    CountryInput, RegionInput, TaxRateInput,
    views::{PublicRegionView, RegionView, TaxClassView},
};
use crate::http::openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed};
use crate::page::{Cursor, Page};
use crate::pricing::{Rounding, TaxMode, TaxRounding};
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_public_regions))
}

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_region, list_regions))
        .routes(routes!(get_region, update_region, delete_region))
        .routes(routes!(create_tax_class, list_tax_classes))
}

/// A region. On `POST`, `name`, `countries` and `tax_mode` are required; on `PATCH` every field
/// may be left out, and a list given replaces the whole list.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionRequest {
    /// 1–100 characters, unique.
    pub name: Option<String>,
    /// Whole countries, or some provinces of them; a country or province can be in one region only.
    pub countries: Option<Vec<CountryRequest>>,
    /// `inclusive`: prices include the tax (EU VAT, UK, AU GST); `exclusive`: tax is added (US).
    pub tax_mode: Option<TaxMode>,
    /// `per_line` (default) or `per_total` (once per group of lines with the same rates).
    pub tax_rounding: Option<TaxRounding>,
    /// `half_up` (default) or `half_even`.
    pub rounding: Option<Rounding>,
    /// At most 200.
    pub tax_rates: Option<Vec<TaxRateRequest>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryRequest {
    /// ISO 3166-1 alpha-2 (`GB`, not `UK`).
    #[schema(example = "US")]
    pub code: String,
    /// Only these provinces (ISO 3166-2 subdivision codes: `CA` for US-CA); left out, the whole country.
    pub provinces: Option<Vec<String>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxRateRequest {
    /// A tax class's code (`standard`, `reduced`, `zero`, `exempt`, or one an admin made).
    #[schema(example = "standard")]
    pub tax_class: String,
    /// The province it applies in; left out, the whole region.
    pub province: Option<String>,
    /// What the shopper sees on the tax line.
    #[schema(example = "VAT")]
    pub name: String,
    /// 0–10000 basis points (1900 is 19%); a class's rates add up to at most 10000 in any province.
    #[schema(example = 1900)]
    pub rate_bps: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxClassRequest {
    /// Lower-case letters, digits, `-`, `_`; 1–40, starting with a letter.
    #[schema(example = "books")]
    pub code: String,
    pub name: String,
}

impl From<RegionRequest> for RegionInput {
    fn from(r: RegionRequest) -> Self {
        Self {
            name: r.name,
            countries: r.countries.map(|c| {
                c.into_iter().map(|c| CountryInput { code: c.code, provinces: c.provinces }).collect()
            }),
            tax_mode: r.tax_mode,
            tax_rounding: r.tax_rounding,
            rounding: r.rounding,
            tax_rates: r.tax_rates.map(|rates| {
                rates
                    .into_iter()
                    .map(|r| TaxRateInput {
                        tax_class: r.tax_class,
                        province: r.province,
                        name: r.name,
                        rate_bps: r.rate_bps,
                    })
                    .collect()
            }),
        }
    }
}

/// Create a region: its countries, whether its prices include tax, and its rates.
#[utoipa::path(post, path = "/v1/admin/regions", tag = "admin", request_body = RegionRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = RegionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`territory_taken` (`errors[]` names each country or province and its region), `region_name_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_region(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Json(body): Json<RegionRequest>,
) -> Result<(StatusCode, axum::Json<RegionView>), ApiError> {
    let region = super::create_region(&state.db, &state.config.currency, body.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(region.into())))
}

/// Every region, oldest first.
#[utoipa::path(get, path = "/v1/admin/regions", tag = "admin", params(ListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [region], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_regions(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<RegionView>>, ApiError> {
    Ok(axum::Json(regions_page(&state, &params).await?.map(Into::into)))
}

/// The regions the shop ships to, for an address form: where each is and whether its prices
/// include tax.
#[utoipa::path(get, path = "/v1/regions", tag = "catalog", params(ListParams),
    responses(
        (status = 200, description = "`{data: [region], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
    ))]
async fn list_public_regions(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<PublicRegionView>>, ApiError> {
    Ok(axum::Json(regions_page(&state, &params).await?.map(Into::into)))
}

/// A page of regions, oldest first: one reading for admins and shoppers, shown differently.
async fn regions_page(state: &AppState, params: &ListParams) -> Result<Page<super::Region>, ApiError> {
    let page = params.page()?;
    let rows = super::list_regions(&state.db, &page).await?;
    Ok(Page::from_rows(rows, page.limit, |r| Cursor { at: r.created_at, id: r.id.clone() }))
}

/// One region, with its rates.
#[utoipa::path(get, path = "/v1/admin/regions/{id}", tag = "admin",
    params(("id" = String, Path, description = "`reg_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = RegionView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn get_region(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<RegionView>, ApiError> {
    Ok(axum::Json(super::find_region(&state.db, &id).await?.into()))
}

/// Change a region; a list given (`countries`, `tax_rates`) replaces the whole list.
#[utoipa::path(patch, path = "/v1/admin/regions/{id}", tag = "admin", request_body = RegionRequest,
    params(("id" = String, Path, description = "`reg_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = RegionView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`territory_taken`, `region_name_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_region(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<RegionRequest>,
) -> Result<axum::Json<RegionView>, ApiError> {
    Ok(axum::Json(super::update_region(&state.db, &id, body.into()).await?.into()))
}

/// Delete a region: its countries are then in none (addresses there cannot check out).
#[utoipa::path(delete, path = "/v1/admin/regions/{id}", tag = "admin",
    params(("id" = String, Path, description = "`reg_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn delete_region(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<StatusCode, ApiError> {
    super::delete_region(&state.db, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every tax class: `standard`, `reduced`, `zero`, `exempt` and those admins made.
#[utoipa::path(get, path = "/v1/admin/tax-classes", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [tax class], next_cursor: null}`"),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_tax_classes(
    State(state): State<AppState>,
    _admin: AdminCaller,
) -> Result<axum::Json<Page<TaxClassView>>, ApiError> {
    let classes = super::tax_classes(&state.db).await?;
    Ok(axum::Json(Page { data: classes.into_iter().map(Into::into).collect(), next_cursor: None }))
}

/// Create a tax class, for rates of its own in each region (without them it is taxed as `standard`).
#[utoipa::path(post, path = "/v1/admin/tax-classes", tag = "admin", request_body = TaxClassRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = TaxClassView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`tax_class_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_tax_class(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Json(body): Json<TaxClassRequest>,
) -> Result<(StatusCode, axum::Json<TaxClassView>), ApiError> {
    let class = super::create_tax_class(&state.db, &body.code, &body.name).await?;
    Ok((StatusCode::CREATED, axum::Json(class.into())))
}
