//! The audit log's SQL: `audit_log` is this module's own. An entry is opened before the write it
//! records is attempted and closed with the answer, so one whose `http_status` is NULL is a
//! write whose outcome nobody saw (the process stopped).

use crate::db::{self, Exec, FromRow, sql};

/// What is known of a write before it runs.
pub struct Opening<'a> {
    pub id: &'a str,
    pub staff_id: &'a str,
    pub staff_email: &'a str,
    pub staff_role: &'a str,
    pub method: &'a str,
    pub route: &'a str,
    pub path: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
    /// JSON text, secrets already taken out.
    pub request_body: Option<&'a str>,
    pub before_state: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub now: i64,
}

pub async fn open(db: impl Exec, e: &Opening<'_>) -> Result<(), db::Error> {
    sql(
        "audit.open",
        "INSERT INTO audit_log (id, created_at, staff_id, staff_email, staff_role, method, route, path,
           object_type, object_id, request_body, before_state, request_id, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $2)",
    )
    .bind(e.id)
    .bind(e.now)
    .bind(e.staff_id)
    .bind(e.staff_email)
    .bind(e.staff_role)
    .bind(e.method)
    .bind(e.route)
    .bind(e.path)
    .bind(e.object_type)
    .bind(e.object_id)
    .bind(e.request_body)
    .bind(e.before_state)
    .bind(e.request_id)
    .execute(db)
    .await
    .map(drop)
}

/// How a write ended.
pub struct Closing<'a> {
    pub http_status: i64,
    /// The problem's `code` when it was refused.
    pub error_code: Option<&'a str>,
    /// The object it made, when the route did not name one.
    pub object_id: Option<&'a str>,
    pub after_state: Option<&'a str>,
    pub now: i64,
}

pub async fn close(db: impl Exec, id: &str, c: &Closing<'_>) -> Result<(), db::Error> {
    sql(
        "audit.close",
        "UPDATE audit_log SET http_status = $2, error_code = $3, object_id = COALESCE(object_id, $4),
           after_state = $5, updated_at = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(c.http_status)
    .bind(c.error_code)
    .bind(c.object_id)
    .bind(c.after_state)
    .bind(c.now)
    .execute(db)
    .await
    .map(drop)
}

#[derive(FromRow)]
pub struct EntryRow {
    pub id: String,
    pub created_at: i64,
    pub staff_id: String,
    pub staff_email: String,
    pub staff_role: String,
    pub method: String,
    pub route: String,
    pub path: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub http_status: Option<i64>,
    pub error_code: Option<String>,
    pub request_body: Option<String>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
}

/// Which entries to list.
#[derive(Default)]
pub struct Filter<'a> {
    pub staff_id: Option<&'a str>,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
}

/// Entries as `filter` says, newest first, after `after` (`created_at`, `id`); `limit + 1` rows.
pub async fn list(
    db: impl Exec,
    filter: &Filter<'_>,
    after: Option<(i64, &str)>,
    limit: i64,
) -> Result<Vec<EntryRow>, db::Error> {
    let mut q = sql(
        "audit.list",
        "SELECT id, created_at, staff_id, staff_email, staff_role, method, route, path, object_type, object_id,
           http_status, error_code, request_body, before_state, after_state, request_id
         FROM audit_log WHERE 1 = 1",
    );
    if let Some(staff_id) = filter.staff_id {
        q.push(" AND staff_id = ").push_bind(staff_id);
    }
    if let Some(object_type) = filter.object_type {
        q.push(" AND object_type = ").push_bind(object_type);
    }
    if let Some(object_id) = filter.object_id {
        q.push(" AND object_id = ").push_bind(object_id);
    }
    q.newest_first_page(None, after, limit);
    q.fetch_all(db).await
}
