//! The outbox over HTTP for admins: what was sent, what waits, and what gave up.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::outbox;
use crate::page::Page;
use crate::{
    error::{ApiError, Problem},
    http::{
        csrf::NoBody,
        openapi::{Forbidden, NotFound, Unauthorized},
        query::{ListParams, Query},
    },
    state::AppState,
    time::{self, rfc3339},
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `pending`, `sending`, `delivered` or `dead`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessageView {
    pub id: String,
    /// `order.paid`, `account.created`, `password_reset.requested`, …
    pub topic: String,
    pub status: String,
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: String,
    /// When the next attempt is due (for `pending`).
    pub next_attempt_at: String,
    pub delivered_at: Option<String>,
}

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_outbox)).routes(routes!(retry_message))
}

/// Outbox messages, newest first; `status=dead` lists those delivery gave up on.
#[utoipa::path(get, path = "/v1/admin/outbox", tag = "admin", params(OutboxParams),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "`{data: [message], next_cursor}`")))]
async fn list_outbox(
    State(state): State<AppState>,
    Query(params): Query<OutboxParams>,
) -> Result<axum::Json<Page<OutboxMessageView>>, ApiError> {
    const STATUSES: [&str; 4] = ["pending", "sending", "delivered", "dead"];
    if let Some(status) = &params.status
        && !STATUSES.contains(&status.as_str())
    {
        return Err(ApiError::field("status", "must be pending, sending, delivered or dead"));
    }
    let page = ListParams { limit: params.limit, cursor: params.cursor }.page()?;
    let after = page.after.as_ref().map(|c| (c.at, c.id.as_str()));
    let rows = outbox::list(&state.db, params.status.as_deref(), after, page.limit).await?;
    let page =
        Page::from_rows(rows, page.limit, |r| crate::page::Cursor { at: r.created_at, id: r.id.clone() });
    Ok(axum::Json(page.map(view)))
}

fn view(r: outbox::Row) -> OutboxMessageView {
    OutboxMessageView {
        id: r.id,
        topic: r.topic,
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
        created_at: rfc3339(r.created_at),
        next_attempt_at: rfc3339(r.available_at),
        delivered_at: r.delivered_at.map(rfc3339),
    }
}

/// Send a message delivery gave up on again: it is `pending` at once, with its attempts
/// counted afresh.
#[utoipa::path(post, path = "/v1/admin/outbox/{id}/retry", tag = "admin",
    params(("id" = String, Path, description = "`evt_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = OutboxMessageView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`invalid_state`: the message is not `dead`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn retry_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    _: NoBody,
) -> Result<axum::Json<OutboxMessageView>, ApiError> {
    // The answer is read in the retry's transaction: the message as the retry left it, not as
    // a worker that claimed it a moment later has it (the claim waits for the commit).
    let mut tx = state.db.begin().await?;
    let retried = outbox::retry(&mut tx, &id, time::now_ms()).await?;
    let found = outbox::find(&mut tx, &id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    if !retried {
        return Err(ApiError::conflict(
            "invalid_state",
            format!("Only a dead message can be retried; this one is {}.", found.status),
        ));
    }
    Ok(axum::Json(view(found)))
}
