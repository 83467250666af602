//! Inventory over HTTP (admins): stock levels, adjustments and the ledger.

use axum::extract::{Path, State};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{LedgerEntry, StockLevel};
use crate::http::openapi::{NotFound, ValidationFailed};
use crate::page::{Cursor, Page};
use crate::{
    error::{ApiError, Problem},
    http::{
        auth::AdminCaller,
        json::Json,
        query::{ListParams, Query},
    },
    state::AppState,
    time::rfc3339,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct StockLevelView {
    pub variant_id: String,
    pub sku: String,
    pub product_id: String,
    pub product_title: String,
    pub variant_title: String,
    pub on_hand: i64,
    pub reserved: i64,
    /// `on_hand - reserved`: what shoppers can still buy.
    pub available: i64,
    pub updated_at: String,
}

impl From<StockLevel> for StockLevelView {
    fn from(l: StockLevel) -> Self {
        Self {
            available: l.available(),
            updated_at: rfc3339(l.updated_at),
            variant_id: l.variant_id,
            sku: l.sku,
            product_id: l.product_id,
            product_title: l.product_title,
            variant_title: l.variant_title,
            on_hand: l.on_hand,
            reserved: l.reserved,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryView {
    pub id: String,
    pub variant_id: String,
    /// `initial`, `adjustment`, and from checkout `reservation`, `release`, `sale`, `return`.
    pub kind: String,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
    pub on_hand_after: i64,
    pub reserved_after: i64,
    pub reason: String,
    /// The admin's customer id, or `system`.
    pub actor: String,
    pub created_at: String,
}

impl From<LedgerEntry> for LedgerEntryView {
    fn from(e: LedgerEntry) -> Self {
        Self {
            created_at: rfc3339(e.created_at),
            id: e.id,
            variant_id: e.variant_id,
            kind: e.kind,
            on_hand_delta: e.on_hand_delta,
            reserved_delta: e.reserved_delta,
            on_hand_after: e.on_hand_after,
            reserved_after: e.reserved_after,
            reason: e.reason,
            actor: e.actor,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRequest {
    /// Units to add (a delivery) or, negative, to remove (damage, loss, a count correction).
    #[schema(example = 24)]
    pub delta: i64,
    #[schema(example = "delivery from supplier")]
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryListParams {
    /// Only variants with at most this many units available.
    pub low_stock: Option<i64>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_levels)).routes(routes!(adjust, ledger))
}

/// Stock levels by SKU; `low_stock` lists what needs reordering.
#[utoipa::path(get, path = "/v1/admin/inventory", tag = "admin", params(InventoryListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [stock level], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
    ))]
async fn list_levels(
    State(state): State<AppState>,
    Query(params): Query<InventoryListParams>,
) -> Result<axum::Json<Page<StockLevelView>>, ApiError> {
    if params.low_stock.is_some_and(|n| n < 0) {
        return Err(ApiError::field("low_stock", "must not be negative"));
    }
    // The cursor is the last SKU seen (SKUs are unique and the list is ordered by them).
    let page = ListParams { limit: params.limit, cursor: None }.page()?;
    let after = match &params.cursor {
        None => None,
        Some(text) => Some(
            URL_SAFE_NO_PAD
                .decode(text)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::field("cursor", "is not a cursor this API issued"))?,
        ),
    };
    let rows = super::list_levels(&state.db, params.low_stock, after.as_deref(), page.limit).await?;
    let page = Page::from_rows_encoded(rows, page.limit, |l| URL_SAFE_NO_PAD.encode(&l.sku));
    Ok(axum::Json(page.map(Into::into)))
}

/// Add or remove stock. Never takes `available` below zero (`409 out_of_stock`); every
/// adjustment is written to the ledger with who made it and why.
#[utoipa::path(post, path = "/v1/admin/inventory/{variant_id}/adjustments", tag = "admin",
    request_body = AdjustmentRequest,
    params(("variant_id" = String, Path, description = "`var_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = StockLevelView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`out_of_stock`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn adjust(
    State(state): State<AppState>,
    AdminCaller(admin): AdminCaller,
    Path(variant_id): Path<String>,
    Json(body): Json<AdjustmentRequest>,
) -> Result<axum::Json<StockLevelView>, ApiError> {
    let level = super::adjust(&state.db, &variant_id, body.delta, &body.reason, &admin.customer.id).await?;
    Ok(axum::Json(level.into()))
}

/// The variant's ledger, newest first: every change to its stock.
#[utoipa::path(get, path = "/v1/admin/inventory/{variant_id}/adjustments", tag = "admin",
    params(("variant_id" = String, Path, description = "`var_…` id"), ListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [ledger entry], next_cursor}`"),
        (status = 404, response = inline(NotFound)),
    ))]
async fn ledger(
    State(state): State<AppState>,
    Path(variant_id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<LedgerEntryView>>, ApiError> {
    let page = params.page()?;
    let rows = super::ledger(&state.db, &variant_id, &page).await?;
    let page = Page::from_rows(rows, page.limit, |e| Cursor { at: e.created_at, id: e.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}
