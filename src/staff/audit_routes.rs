//! The audit log over HTTP: `GET /v1/admin/audit-log` (owners only, as `permissions` says).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::audit::{self, EntryRow, Filter};
use crate::{
    error::ApiError,
    http::{
        auth::AdminCaller,
        openapi::{Forbidden, Unauthorized, ValidationFailed},
        query::{ListParams, Query},
    },
    page::{Cursor, Page},
    state::AppState,
    time::rfc3339,
};

pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

/// Who made a write, as they were then.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActor {
    pub id: String,
    pub email: String,
    pub staff_role: String,
}

/// What a write was about: `type` is singular (`product`, `order`, `shipping_option`).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditObject {
    #[serde(rename = "type")]
    pub object_type: String,
    pub id: Option<String>,
}

/// One write by a member of staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    #[schema(example = "aud_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub created_at: String,
    pub staff: AuditActor,
    /// `PATCH /v1/admin/products/{id}`: the method and the route.
    pub action: String,
    /// The URL's path, with the object's id.
    pub path: String,
    pub object: Option<AuditObject>,
    /// The answer's status; `null` when nobody saw the outcome (the process stopped).
    pub status: Option<i64>,
    /// The problem's `code` when the write was refused (`forbidden`, `last_owner`, …).
    pub error_code: Option<String>,
    /// The body sent, secrets replaced by `"[redacted]"`.
    #[schema(value_type = Option<Object>)]
    pub request: Option<Value>,
    /// The object as its admin route read it just before the write, when it has one.
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The object as the write answered it, when the write succeeded.
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub request_id: Option<String>,
}

impl From<EntryRow> for AuditEntryView {
    fn from(r: EntryRow) -> Self {
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            id: r.id,
            created_at: rfc3339(r.created_at),
            staff: AuditActor { id: r.staff_id, email: r.staff_email, staff_role: r.staff_role },
            action: format!("{} {}", r.method, r.route),
            path: r.path,
            object: r.object_type.map(|object_type| AuditObject { object_type, id: r.object_id }),
            status: r.http_status,
            error_code: r.error_code,
            request: json(r.request_body),
            before: json(r.before_state),
            after: json(r.after_state),
            request_id: r.request_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this member of staff's writes (`cus_…`).
    pub staff_id: Option<String>,
    /// Only writes to objects of this type (`product`, `order`, …).
    pub object_type: Option<String>,
    /// Only writes to this object.
    pub object_id: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The audit log, newest first: every write staff made through the admin API, refused ones
/// included, filtered by who made it and by what it was about.
#[utoipa::path(get, path = "/v1/admin/audit-log", tag = "admin", params(AuditParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [audit entry], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
    ))]
async fn list_audit_log(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Query(params): Query<AuditParams>,
) -> Result<axum::Json<Page<AuditEntryView>>, ApiError> {
    let page = ListParams { limit: params.limit, cursor: params.cursor }.page()?;
    let filter = Filter {
        staff_id: params.staff_id.as_deref(),
        object_type: params.object_type.as_deref(),
        object_id: params.object_id.as_deref(),
    };
    let after = page.after.as_ref().map(|c| (c.at, c.id.as_str()));
    let rows = audit::list(&state.db, &filter, after, page.limit).await?;
    let page = Page::from_rows(rows, page.limit, |r| Cursor { at: r.created_at, id: r.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}
