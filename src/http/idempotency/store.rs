//! Idempotency key SQL. A row is claimed by one running request (`owner`) under a lease
//! (`locked_until`) that request renews while it runs; every change after the claim is guarded
//! by the owner, so a request whose claim was taken over can no longer write it.

use sqlx::{Any, Executor, FromRow};

pub struct NewClaim<'a> {
    pub scope: &'a str,
    pub key_digest: &'a str,
    pub fingerprint: &'a str,
    pub owner: &'a str,
    pub now: i64,
    pub locked_until: i64,
}

/// Claims (scope, key) for a new request; false when a row exists already.
pub async fn claim<'c>(db: impl Executor<'c, Database = Any>, c: &NewClaim<'_>) -> Result<bool, sqlx::Error> {
    write_claim(
        db,
        "INSERT INTO idempotency_keys (scope, key, request_hash, owner, locked_until, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (scope, key) DO NOTHING",
        c,
    )
    .await
}

/// Takes over a claim whose request stopped renewing its lease (its process died): only one
/// retry can, and only for the same request.
pub async fn take_over<'c>(
    db: impl Executor<'c, Database = Any>,
    c: &NewClaim<'_>,
) -> Result<bool, sqlx::Error> {
    write_claim(
        db,
        "UPDATE idempotency_keys SET owner = $4, locked_until = $5, created_at = $6
         WHERE scope = $1 AND key = $2 AND request_hash = $3 AND status IS NULL AND locked_until < $6",
        c,
    )
    .await
}

/// Runs `sql` with the claim's values as `$1`–`$6`; true when it wrote the row.
async fn write_claim<'c>(
    db: impl Executor<'c, Database = Any>,
    sql: &'static str,
    c: &NewClaim<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(sql)
        .bind(c.scope)
        .bind(c.key_digest)
        .bind(c.fingerprint)
        .bind(c.owner)
        .bind(c.locked_until)
        .bind(c.now)
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
    pub locked_until: i64,
    pub created_at: i64,
}

pub async fn find<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key_digest: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    sqlx::query_as(
        "SELECT request_hash, status, content_type, body, locked_until, created_at FROM idempotency_keys
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key_digest)
    .fetch_optional(db)
    .await
}

/// Extends the running request's lease; false when it is no longer the owner.
pub async fn renew<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key_digest: &str,
    owner: &str,
    locked_until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE idempotency_keys SET locked_until = $4
         WHERE scope = $1 AND key = $2 AND owner = $3 AND status IS NULL",
    )
    .bind(scope)
    .bind(key_digest)
    .bind(owner)
    .bind(locked_until)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct Completion<'a> {
    pub status: i64,
    pub content_type: Option<&'a str>,
    /// Sealed (see `seal.rs`).
    pub body: &'a str,
    pub now: i64,
}

pub async fn complete<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key_digest: &str,
    owner: &str,
    done: &Completion<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $4, content_type = $5, body = $6, completed_at = $7
         WHERE scope = $1 AND key = $2 AND owner = $3",
    )
    .bind(scope)
    .bind(key_digest)
    .bind(owner)
    .bind(done.status)
    .bind(done.content_type)
    .bind(done.body)
    .bind(done.now)
    .execute(db)
    .await
    .map(drop)
}

/// Forgets the claim of `owner`: its request failed in a way worth retrying, or its answer is
/// not to be kept. Never a newer owner's claim.
pub async fn forget<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key_digest: &str,
    owner: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND owner = $3")
        .bind(scope)
        .bind(key_digest)
        .bind(owner)
        .execute(db)
        .await
        .map(drop)
}

/// Forgets an answer past its 24 hours, if it is still the row that was seen.
pub async fn forget_expired<'c>(
    db: impl Executor<'c, Database = Any>,
    scope: &str,
    key_digest: &str,
    created_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at = $3")
        .bind(scope)
        .bind(key_digest)
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
