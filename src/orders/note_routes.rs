//! Staff notes on an order over HTTP: `/v1/admin/orders/{id}/notes`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::notes::{self, Note};
use crate::{
    error::ApiError,
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(add_note, list_notes))
}

/// Who wrote a note, as they were then.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteAuthor {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A note staff left on an order; customers never see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    #[schema(example = "note_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub order_id: String,
    pub body: String,
    pub author: NoteAuthor,
    pub created_at: String,
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        Self {
            id: n.id,
            order_id: n.order_id,
            body: n.body,
            author: NoteAuthor { id: n.author_id, email: n.author_email, name: n.author_name },
            created_at: rfc3339(n.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// 1–4,000 characters; line breaks are kept.
    #[schema(example = "The customer called: leave it with the neighbour at number 12.")]
    pub body: String,
}

/// Leave a note on an order for the other staff.
#[utoipa::path(post, path = "/v1/admin/orders/{id}/notes", tag = "admin", request_body = NoteRequest,
    params(("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = NoteView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn add_note(
    State(state): State<AppState>,
    AdminCaller(session): AdminCaller,
    Path(id): Path<String>,
    Json(body): Json<NoteRequest>,
) -> Result<(StatusCode, axum::Json<NoteView>), ApiError> {
    let note = notes::add(&state.db, &id, &session.customer, &body.body).await?;
    Ok((StatusCode::CREATED, axum::Json(note.into())))
}

/// The order's notes, newest first.
#[utoipa::path(get, path = "/v1/admin/orders/{id}/notes", tag = "admin", params(ListParams,
        ("id" = String, Path, description = "`ord_…` id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "`{data: [note], next_cursor}`"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
        (status = 403, response = inline(Forbidden)),
        (status = 404, response = inline(NotFound)),
    ))]
async fn list_notes(
    State(state): State<AppState>,
    _admin: AdminCaller,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Page<NoteView>>, ApiError> {
    let page = params.page()?;
    let rows = notes::list(&state.db, &id, &page).await?;
    let page = Page::from_rows(rows, page.limit, |n| Cursor { at: n.created_at, id: n.id.clone() });
    Ok(axum::Json(page.map(Into::into)))
}
