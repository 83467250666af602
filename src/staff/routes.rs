//! Staff over HTTP: `/v1/admin/staff` (owners only, as `permissions` says).

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    accounts::{self, Customer, StaffRole},
    error::{ApiError, Problem},
    http::{
        auth::AdminCaller,
        json::Json,
        openapi::{Forbidden, NotFound, Unauthorized, ValidationFailed},
        query::{ListParams, Query},
    },
    page::{Cursor, Page},
    state::AppState,
    time::rfc3339,
};

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(invite_staff, list_staff)).routes(routes!(find_staff, update_staff))
}

/// A member of staff: an admin account and what it may do.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffView {
    #[schema(example = "cus_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub email: String,
    pub name: String,
    pub staff_role: StaffRole,
    /// A disabled member cannot sign in; their sessions ended when they were disabled.
    pub disabled: bool,
    pub created_at: String,
}

impl From<Customer> for StaffView {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            email: c.email,
            name: c.name,
            staff_role: c.staff_role.unwrap_or(StaffRole::ReadOnly),
            disabled: c.disabled_at.is_some(),
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[schema(example = "sam@shop.example")]
    pub email: String,
    #[schema(example = "Sam")]
    pub name: String,
    pub staff_role: StaffRole,
}

/// Invite a member of staff: their account is made now, and an email (through the outbox)
/// brings them a link to choose their password, valid for a week.
#[utoipa::path(post, path = "/v1/admin/staff", tag = "admin", request_body = InviteRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = StaffView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn invite_staff(
    State(state): State<AppState>,
    AdminCaller(session): AdminCaller,
    Json(body): Json<InviteRequest>,
) -> Result<(StatusCode, axum::Json<StaffView>), ApiError> {
    let invited =
        accounts::invite_staff(&state.db, &body.email, &body.name, body.staff_role, &session.customer)
            .await?;
    Ok((StatusCode::CREATED, axum::Json(invited.into())))
}

/// Every member of staff, newest first.
#[utoipa::path(get, path = "/v1/admin/staff", tag = "admin", params(ListParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [staff member], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_staff(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<StaffView>>, ApiError> {
    let page = params.page()?;
    let rows = accounts::list_staff(&state.db, &page).await?;
    let page = Page::from_rows(rows, page.limit, |c| Cursor { at: c.created_at, id: c.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}

/// One member of staff.
#[utoipa::path(get, path = "/v1/admin/staff/{id}", tag = "admin",
    params(("id" = String, Path, description = "`cus_…` id of an admin")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = StaffView),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn find_staff(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
) -> Result<axum::Json<StaffView>, ApiError> {
    Ok(axum::Json(accounts::find_staff(&state.db, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChange {
    pub staff_role: Option<StaffRole>,
    /// `true` disables the account: it cannot sign in, and its sessions end at once.
    pub disabled: Option<bool>,
}

/// Change a member of staff's role, or disable or enable them.
#[utoipa::path(patch, path = "/v1/admin/staff/{id}", tag = "admin", request_body = StaffChange,
    params(("id" = String, Path, description = "`cus_…` id of an admin")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = StaffView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
        (status = 409, description = "`last_owner`: the shop would have no owner who can sign in", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_staff(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<StaffChange>,
) -> Result<axum::Json<StaffView>, ApiError> {
    let updated = accounts::update_staff(&state.db, &id, body.staff_role, body.disabled).await?;
    Ok(axum::Json(updated.into()))
}
