//! The dashboard's home over HTTP: `GET /v1/admin/dashboard`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Ask, Home, Period};
use crate::{
    error::ApiError,
    http::{
        auth::AdminCaller,
        openapi::{Forbidden, Unauthorized, ValidationFailed},
        query::Query,
    },
    inventory::routes::StockLevelView,
    money::Money,
    state::AppState,
    time::rfc3339,
};

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dashboard_home))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HomeParams {
    /// Days in `per_day`, today included: 1–90, default 30.
    pub days: Option<i64>,
    /// The operator's minutes ahead of UTC (−840 to 840, default 0): where their days begin.
    pub utc_offset_minutes: Option<i64>,
    /// A variant with at most this many available is low on stock (0–1,000,000, default 5).
    pub low_stock_threshold: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// Paid orders placed in the period (cancelled ones leave it).
    pub orders: i64,
    pub revenue: Money,
    /// Revenue over orders, rounded half up to the minor unit.
    pub average_order_value: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayView {
    /// `2026-12-07`, at the caller's offset.
    pub date: String,
    pub orders: i64,
    pub revenue: Money,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LowStockView {
    pub threshold: i64,
    /// Up to 10, by SKU.
    pub variants: Vec<StockLevelView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxView {
    /// Waiting to be sent, or being sent.
    pub pending: i64,
    /// Given up on after their retries: `GET /v1/admin/outbox?status=dead`.
    pub dead: i64,
}

/// The dashboard's home.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub generated_at: String,
    pub today: PeriodView,
    pub last_7_days: PeriodView,
    pub last_30_days: PeriodView,
    /// Oldest first, ending today; a day without sales is zero.
    pub per_day: Vec<DayView>,
    pub low_stock: LowStockView,
    /// Paid orders not yet wholly shipped.
    pub awaiting_shipment: i64,
    pub outbox: OutboxView,
}

/// The dashboard's home: sales today, over 7 and 30 days, per day; stock running low; orders
/// waiting to ship; emails stuck in the outbox.
#[utoipa::path(get, path = "/v1/admin/dashboard", tag = "admin", params(HomeParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = DashboardView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn dashboard_home(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<HomeParams>,
) -> Result<axum::Json<DashboardView>, ApiError> {
    let ask = Ask {
        days: within(params.days, 30, 1, 90, "days")?,
        utc_offset_minutes: within(params.utc_offset_minutes, 0, -840, 840, "utc_offset_minutes")?,
        low_stock_threshold: within(params.low_stock_threshold, 5, 0, 1_000_000, "low_stock_threshold")?,
    };
    let home = super::home(&state.db, &ask).await?;
    Ok(axum::Json(view(home, &state.config.currency)))
}

fn within(value: Option<i64>, default: i64, min: i64, max: i64, field: &str) -> Result<i64, ApiError> {
    let value = value.unwrap_or(default);
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::field(field, format!("must be between {min} and {max}")))
    }
}

fn view(home: Home, currency: &str) -> DashboardView {
    let period = |p: Period| PeriodView {
        orders: p.orders,
        revenue: Money::new(p.revenue, currency),
        average_order_value: Money::new(p.average_order_value(), currency),
    };
    DashboardView {
        generated_at: rfc3339(crate::time::now_ms()),
        today: period(home.today),
        last_7_days: period(home.last_7_days),
        last_30_days: period(home.last_30_days),
        per_day: home
            .per_day
            .into_iter()
            .map(|(date, p)| DayView { date, orders: p.orders, revenue: Money::new(p.revenue, currency) })
            .collect(),
        low_stock: LowStockView {
            threshold: home.low_stock_threshold,
            variants: home.low_stock.into_iter().map(Into::into).collect(),
        },
        awaiting_shipment: home.awaiting_shipment,
        outbox: OutboxView { pending: home.outbox_pending, dead: home.outbox_dead },
    }
}
