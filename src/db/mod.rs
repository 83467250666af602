//! The database: one pool, one set of portable SQL, two engines.
//!
//! Every statement goes through [`Sql`] (or a named operation in [`GuardedUpdate`] and
//! [`Upsert`]) and runs on an [`Exec`]: the pool, a pooled [`Conn`] or a [`Tx`], each of which
//! knows its engine. What differs between SQLite and PostgreSQL lives in `dialect.rs` and in the
//! per-engine migration folders, and nowhere else: no code outside `db/` names an engine or
//! calls sqlx to run SQL.

mod dialect;
mod exec;
mod ops;
mod parts;
mod pool;
mod run;
mod search;
mod statement;

use std::time::Duration;

use dialect::Engine;
pub use exec::{Conn, Exec, Tx};
pub use ops::{GuardedUpdate, Upsert};
pub use parts::{Bind, RowLock};
pub use pool::{Db, OpenError, check_url, embedded_url};
/// Derive it on a row struct to fetch rows into it.
pub use sqlx::FromRow;
pub use statement::{Sql, insert_rows, sql};

/// What a statement fails with.
pub type Error = sqlx::Error;

/// The text a unit enum is stored as: its API spelling (serde's), which the migrations' CHECKs
/// allow.
pub fn enum_text<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A unit enum back from its stored text ([`enum_text`]).
pub fn parse_enum_text<T: serde::de::DeserializeOwned>(text: String) -> Result<T, Error> {
    serde_json::from_value(serde_json::Value::String(text)).map_err(|e| Error::Decode(e.into()))
}

/// How many times [`retry_transient`] runs a transaction the database keeps aborting.
pub const TRANSACTION_ATTEMPTS: u64 = 5;

/// Runs `transaction` (a whole transaction: it begins, and commits or rolls back, its own) and
/// runs it again from the start when the database aborted it for reasons of concurrency
/// ([`is_transient`]: a deadlock victim, a serialization failure, SQLite still busy after its
/// timeout), up to [`TRANSACTION_ATTEMPTS`] times, after a short jittered pause. Never half of
/// one: nothing of an aborted attempt remains. `transaction` must therefore do nothing outside
/// its transaction that it would regret doing twice.
///
/// Written as `retry_transient(|| async move { let mut tx = db.begin().await?; … })`, capturing
/// only references, so that each attempt starts from the same inputs.
pub async fn retry_transient<T, E, F, Fut>(mut transaction: F) -> Result<T, E>
where
    E: Transient,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(e) if e.is_transient() && attempt < TRANSACTION_ATTEMPTS => {
                tracing::debug!(attempt, "transaction aborted by the database; running it again");
                let jitter = u64::from(crate::ids::random_bytes::<1>()[0] % 20);
                tokio::time::sleep(Duration::from_millis(attempt * 10 + jitter)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// An error that may go away if the whole transaction runs again.
pub trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for sqlx::Error {
    fn is_transient(&self) -> bool {
        is_transient(self)
    }
}

/// True when the database aborted the statement's transaction for reasons of concurrency, not
/// of the statement: it chose it as a deadlock victim, could not serialize it, or (SQLite)
/// another process held the write lock past the busy timeout. The codes are in
/// [`Engine::is_transient_code`]; running the transaction again is the cure.
pub fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            Engine::error_code(db.as_ref()).is_some_and(|code| Engine::is_transient_code(&code))
        }
        _ => false,
    }
}

/// True when the error is a unique-constraint violation on the given constraint or index
/// (PostgreSQL names the constraint; SQLite names the columns, so both are accepted).
pub fn is_unique_violation(err: &sqlx::Error, names: &[&str]) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let haystack = format!("{} {}", db.constraint().unwrap_or(""), db.message());
            names.iter().any(|n| haystack.contains(n))
        }
        _ => false,
    }
}

/// True when the error is a CHECK constraint refusing a value.
pub fn is_check_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if matches!(db.kind(), sqlx::error::ErrorKind::CheckViolation))
}

/// (status, rows) for each of `statuses` in `table`, with zero for a status no row has.
/// `table` is always a literal from the caller, never input.
pub async fn count_by_status(
    db: impl Exec,
    name: &'static str,
    table: &'static str,
    statuses: &[&str],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut q = sql(name, "SELECT status, CAST(COUNT(*) AS BIGINT) FROM ");
    q.push(table).push(" GROUP BY status");
    let found: Vec<(String, i64)> = q.fetch_all(db).await?;
    Ok(statuses
        .iter()
        .map(|s| ((*s).to_owned(), found.iter().find(|(f, _)| f == s).map_or(0, |(_, n)| *n)))
        .collect())
}
