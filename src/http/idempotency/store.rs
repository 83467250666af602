//! Idempotency key SQL. A row is claimed by one running request (`owner`) under a lease
//! (`locked_until`) that request renews while it runs; every change after the claim is guarded
//! by the owner, so a request whose claim was taken over can no longer write it.

use crate::db::{self, Exec, FromRow, Sql, Upsert, sql};

pub struct NewClaim<'a> {
    pub scope: &'a str,
    pub key_digest: &'a str,
    pub fingerprint: &'a str,
    pub owner: &'a str,
    pub now: i64,
    pub locked_until: i64,
}

/// Claims (scope, key) for a new request; false when a row exists already.
pub async fn claim(db: impl Exec, c: &NewClaim<'_>) -> Result<bool, db::Error> {
    let insert = Upsert {
        name: "idempotency.claim",
        table: "idempotency_keys",
        columns: "scope, \"key\", request_hash, owner, locked_until, created_at",
        values: "$1, $2, $3, $4, $5, $6",
        key: "scope, \"key\"",
        update: None,
        returning: None,
    };
    write_claim(db, insert.sql(), c).await
}

/// Takes over a claim whose request stopped renewing its lease (its process died): only one
/// retry can, and only for the same request.
pub async fn take_over(db: impl Exec, c: &NewClaim<'_>) -> Result<bool, db::Error> {
    let update = sql(
        "idempotency.take_over",
        "UPDATE idempotency_keys SET owner = $4, locked_until = $5, created_at = $6
         WHERE scope = $1 AND \"key\" = $2 AND request_hash = $3 AND status IS NULL AND locked_until < $6",
    );
    write_claim(db, update, c).await
}

/// Runs `statement` with the claim's values as `$1`–`$6`; true when it wrote the row.
async fn write_claim(db: impl Exec, statement: Sql, c: &NewClaim<'_>) -> Result<bool, db::Error> {
    let done = statement
        .bind(c.scope)
        .bind(c.key_digest)
        .bind(c.fingerprint)
        .bind(c.owner)
        .bind(c.locked_until)
        .bind(c.now)
        .execute(db)
        .await?;
    Ok(done == 1)
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

pub async fn find(db: impl Exec, scope: &str, key_digest: &str) -> Result<Option<Stored>, db::Error> {
    sql(
        "idempotency.find",
        "SELECT request_hash, status, content_type, body, locked_until, created_at FROM idempotency_keys
         WHERE scope = $1 AND \"key\" = $2",
    )
    .bind(scope)
    .bind(key_digest)
    .fetch_optional(db)
    .await
}

/// Extends the running request's lease; false when it is no longer the owner.
pub async fn renew(
    db: impl Exec,
    scope: &str,
    key_digest: &str,
    owner: &str,
    locked_until: i64,
) -> Result<bool, db::Error> {
    let done = sql(
        "idempotency.renew",
        "UPDATE idempotency_keys SET locked_until = $4
         WHERE scope = $1 AND \"key\" = $2 AND owner = $3 AND status IS NULL",
    )
    .bind(scope)
    .bind(key_digest)
    .bind(owner)
    .bind(locked_until)
    .execute(db)
    .await?;
    Ok(done == 1)
}

pub struct Completion<'a> {
    pub status: i64,
    pub content_type: Option<&'a str>,
    /// Sealed (see `seal.rs`).
    pub body: &'a str,
    pub now: i64,
}

pub async fn complete(
    db: impl Exec,
    scope: &str,
    key_digest: &str,
    owner: &str,
    done: &Completion<'_>,
) -> Result<(), db::Error> {
    sql(
        "idempotency.complete",
        "UPDATE idempotency_keys SET status = $4, content_type = $5, body = $6, completed_at = $7
         WHERE scope = $1 AND \"key\" = $2 AND owner = $3",
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
pub async fn forget(db: impl Exec, scope: &str, key_digest: &str, owner: &str) -> Result<(), db::Error> {
    sql("idempotency.forget", "DELETE FROM idempotency_keys WHERE scope = $1 AND \"key\" = $2 AND owner = $3")
        .bind(scope)
        .bind(key_digest)
        .bind(owner)
        .execute(db)
        .await
        .map(drop)
}

/// Forgets an answer past its 24 hours, if it is still the row that was seen.
pub async fn forget_expired(
    db: impl Exec,
    scope: &str,
    key_digest: &str,
    created_at: i64,
) -> Result<(), db::Error> {
    sql(
        "idempotency.forget_expired",
        "DELETE FROM idempotency_keys WHERE scope = $1 AND \"key\" = $2 AND created_at = $3",
    )
    .bind(scope)
    .bind(key_digest)
    .bind(created_at)
    .execute(db)
    .await
    .map(drop)
}

pub async fn delete_older_than(db: impl Exec, before: i64) -> Result<u64, db::Error> {
    sql("idempotency.delete_older_than", "DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(before)
        .execute(db)
        .await
}
