//! The database: one pool, one set of portable SQL, two engines.
//!
//! Queries go through sqlx's `Any` driver, so every store module has exactly one code path.
//! What differs between SQLite and PostgreSQL lives in [`dialect`] and in the per-engine
//! migration folders, and nowhere else.

mod builder;
mod dialect;

use std::{sync::Arc, time::Duration};

pub use builder::{Bind, SqlBuilder};
pub use dialect::Engine;
use sqlx::{
    Any, AnyPool,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
};

/// A write transaction. On SQLite it also holds this process's write lane (see [`Db::begin`]).
/// Derefs to the connection, so `&mut *tx` runs queries in it.
pub struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    engine: Engine,
    _lane: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Why [`Db::open`] failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("configuration error: {0}")]
    Url(String),
    #[error("cannot open the {engine} database: {source}{hint}")]
    Connect { engine: &'static str, source: sqlx::Error, hint: &'static str },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The embedded database: one SQLite file in `data_dir`, created on first use.
pub fn embedded_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("oxcart.db").display())
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
    /// SQLite only: write transactions of this process take turns here.
    write_lane: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Db {
    /// Connects (see [`Db::connect`]) and brings the schema up to date, or says why not in terms
    /// an operator can act on: which engine, what failed, and for SQLite what to check.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, OpenError> {
        let engine = Engine::from_url(url).map_err(OpenError::Url)?;
        let db = Self::connect(url, max_connections).await.map_err(|source| OpenError::Connect {
            engine: engine.name(),
            source,
            hint: engine.open_failure_hint(),
        })?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects and applies the engine's connection settings. Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let engine = Engine::from_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    for statement in engine.session_setup() {
                        sqlx::raw_sql(*statement).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(&engine.connect_url(url))
            .await?;
        let write_lane = (engine == Engine::Sqlite).then(|| Arc::new(tokio::sync::Mutex::new(())));
        Ok(Self { pool, engine, write_lane })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing with a lock upgrade error
    /// halfway through. They queue first on this process's write lane, in order, and only
    /// then on SQLite's busy timeout (for other processes): SQLite's busy handler sleeps in
    /// growing steps up to 100 ms, which under load made slow tails out of short waits.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let lane = match &self.write_lane {
            Some(lane) => Some(lane.clone().lock_owned().await),
            None => None,
        };
        let inner = self.pool.begin_with(self.engine.begin_write()).await?;
        Ok(Tx { inner, engine: self.engine, _lane: lane })
    }

    /// After loading many rows at once (`oxcart seed`): fresh statistics for the planner.
    /// PostgreSQL's autovacuum would get there eventually, but may be off or behind.
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        sqlx::raw_sql(self.engine.refresh_statistics()).execute(&self.pool).await.map(drop)
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(drop)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
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
        sqlx::Error::Database(db) => db.code().is_some_and(|code| Engine::is_transient_code(&code)),
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
pub async fn count_by_status<'c>(
    db: impl sqlx::Executor<'c, Database = Any>,
    table: &'static str,
    statuses: &[&str],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = format!("SELECT status, CAST(COUNT(*) AS BIGINT) FROM {table} GROUP BY status");
    let found: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(db).await?;
    Ok(statuses
        .iter()
        .map(|s| ((*s).to_owned(), found.iter().find(|(f, _)| f == s).map_or(0, |(_, n)| *n)))
        .collect())
}
