//! Every write a member of staff makes through the admin routes goes into the audit log
//! (`staff::audit`): an entry is opened before the write runs (who, when, the route and the
//! object, the body sent, the object as it was) and closed with the answer (its status, the
//! object as it became, or the problem's code). If the entry cannot be opened, the write is
//! not attempted. Writes refused for the caller's role are kept too; reads are not.
//!
//! "Before" is the object as its own admin route reads it (`GET` on the object's path, as the
//! same caller) just before the write, outside the write's transaction: a write racing another
//! on the same object may show a "before" one change old. Objects without a read route (a
//! variant, a shipment) have no "before"; their "after" is the write's answer.

use axum::{
    Router,
    body::{Body, to_bytes},
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower::ServiceExt;

use super::{MAX_BODY_BYTES, auth::MaybeCaller};
use crate::{
    accounts::Role,
    db::Db,
    error::ApiError,
    ids, request_id,
    staff::audit::{self, Closing, Opening},
    time,
};

/// The audit's state: the database, and the admin routes without the audit (to read "before").
#[derive(Clone)]
pub struct Audit {
    pub db: Db,
    pub reader: Router,
}

pub async fn record_admin_writes(State(audit): State<Audit>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let staff = match MaybeCaller::from_request_parts(&mut parts, &audit.db).await {
        Ok(MaybeCaller(Some(session)))
            if session.customer.role == Role::Admin && session.customer.staff_role.is_some() =>
        {
            session.customer
        }
        // Not staff: the admin routes refuse it before anything is written.
        _ => return next.run(Request::from_parts(parts, body)).await,
    };
    // A JSON body is kept (redacted); another (an uploaded picture) only by its type and size,
    // and passed on as it streams in, for the route to limit.
    let (body, request_body) = if super::json::is_json(parts.headers.get(header::CONTENT_TYPE))
        || !parts.headers.contains_key(header::CONTENT_TYPE)
    {
        let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => return ApiError::payload_too_large().into_response(),
        };
        let kept = audit::kept_json(&bytes);
        (Body::from(bytes), kept)
    } else {
        let text = |name| parts.headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        let length = text(header::CONTENT_LENGTH).and_then(|l| l.parse().ok());
        (body, Some(audit::described(text(header::CONTENT_TYPE), length)))
    };
    let route = parts.extensions.get::<MatchedPath>().map_or("", MatchedPath::as_str).to_owned();
    let path = parts.uri.path().to_owned();
    let subject = audit::subject(&route, &path);
    let before = match subject.as_ref().and_then(|s| s.object_path.as_deref()) {
        Some(object_path) => read_before(&audit.reader, &parts, object_path).await,
        None => None,
    };
    let id = ids::new_id("aud");
    let request_id = request_id::current();
    let opening = Opening {
        id: &id,
        staff_id: &staff.id,
        staff_email: &staff.email,
        staff_role: staff.staff_role.map_or("", |r| r.as_str()),
        method: parts.method.as_str(),
        route: &route,
        path: &path,
        object_type: subject.as_ref().map(|s| s.object_type.as_str()),
        object_id: subject.as_ref().and_then(|s| s.object_id.as_deref()).map(audit::kept_id),
        request_body: request_body.as_deref(),
        before_state: before.as_deref(),
        request_id: request_id.as_deref(),
        now: time::now_ms(),
    };
    if let Err(e) = audit::open(&audit.db, &opening).await {
        return ApiError::from(e).into_response();
    }
    let response = next.run(Request::from_parts(parts, body)).await;
    let (parts, body) = response.into_parts();
    // The admin routes answer with small JSON bodies, whole.
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let answer = audit::answer(&body, parts.status.is_success());
    let closing = Closing {
        http_status: i64::from(parts.status.as_u16()),
        error_code: answer.error_code.as_deref(),
        object_id: answer.shown_id.as_deref().map(audit::kept_id),
        after_state: answer.after.as_deref(),
        now: time::now_ms(),
    };
    if let Err(e) = audit::close(&audit.db, &id, &closing).await {
        // The write stands; its entry stays open (outcome unknown), which the log shows.
        tracing::error!(audit_entry = %id, error = %e, "could not close an audit entry");
    }
    Response::from_parts(parts, Body::from(body))
}

/// The object at `object_path` as the caller reads it now, if its route reads it.
async fn read_before(
    reader: &Router,
    parts: &axum::http::request::Parts,
    object_path: &str,
) -> Option<String> {
    let mut read = Request::builder().method(Method::GET).uri(object_path);
    for name in [header::AUTHORIZATION, header::COOKIE] {
        if let Some(value) = parts.headers.get(&name) {
            read = read.header(name, value);
        }
    }
    let response = reader.clone().oneshot(read.body(Body::empty()).ok()?).await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body = to_bytes(response.into_body(), usize::MAX).await.ok()?;
    audit::kept_json(&body)
}
