//! Idempotency key SQL.

use sqlx::{Any, Executor, FromRow};

/// Claims (scope, key) for a new request; false when a row exists already.
pub async fn claim<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(request_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(FromRow)]
pub struct Stored {
    pub request_hash: String,
    pub status: Option<i64>,
    pub content_type: Option<String>,
    pub body: Option<String>,
    pub created_at: i64,
}

pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    sqlx::query_as(
        "SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(db)
    .await
}

pub async fn complete<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key: &str,
    status: i64,
    content_type: Option<&str>,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5, completed_at = $6
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .bind(status)
    .bind(content_type)
    .bind(body)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

/// Forgets a key: its request failed in a way worth retrying, or it expired. `created_at`
/// makes sure only the row that was seen is removed, never a newer claim.
pub async fn forget<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key: &str,
    created_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3")
        .bind(scope)
        .bind(key)
        .bind(created_at)
        .execute(db)
        .await
        .map(drop)
}

pub async fn delete_older_than<'c>(
    db: impl Executor<'c, Database = Any>,
    before: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before)
        .execute(db)
        .await?
        .rows_affected())
}
