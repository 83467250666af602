//! The pool: opening the database, its migrations, and transactions.

use std::{sync::Arc, time::Duration};

use sqlx::{
    AnyPool, Error,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
};

use super::{
    dialect::Engine,
    exec::{Conn, Exec, Raw, Tx},
    statement::sql,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/mysql");

/// Why [`Db::open`] failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("configuration error: {0}")]
    Url(String),
    #[error("cannot open the {engine} database: {source}{hint}")]
    Connect { engine: &'static str, source: sqlx::Error, hint: &'static str },
    #[error("cannot use the {engine} database: {reason}")]
    Unsupported { engine: &'static str, reason: String },
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

/// How long a pooled connection may sit idle before it is pinged on its way out of the pool.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);

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
        db.check_server().await.map_err(|reason| OpenError::Unsupported { engine: engine.name(), reason })?;
        db.migrate().await?;
        Ok(db)
    }

    /// Refuses a server older than this engine's oldest supported version.
    async fn check_server(&self) -> Result<(), String> {
        if self.engine != Engine::Mysql {
            return Ok(());
        }
        let version: String =
            sql("db.version", "SELECT VERSION()").scalar_one(self).await.map_err(|e| e.to_string())?;
        self.engine.check_server_version(&version)
    }

    /// Connects and applies the engine's connection settings. Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let engine = Engine::from_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out: a round trip before each request's
            // first statement (a ninth of Oxcart's CPU on a product list, by perf). A
            // connection in steady use has just proved itself; one that sat idle may have lost
            // its server (a restart, a proxy's idle cut), so only those are checked.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
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
            Engine::Mysql => MYSQL_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// The pool itself, for tests that look under the hood. Oxcart's own code runs SQL through
    /// [`Sql`] only.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// `sqlite`, `postgres` or `mysql`, for people (banners, logs).
    pub fn engine_name(&self) -> &'static str {
        self.engine.name()
    }

    /// One connection from the pool, for reads that belong together.
    pub async fn acquire(&self) -> Result<Conn, Error> {
        Ok(Conn { inner: self.pool.acquire().await?, engine: self.engine })
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
        sql("db.ping", "SELECT 1").execute(self).await.map(drop)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Exec for &Db {
    fn engine(&self) -> Engine {
        self.engine
    }

    fn raw(&mut self) -> Raw<'_> {
        Raw::Pool(&self.pool)
    }
}

/// Whether `url` names an engine Oxcart runs on.
pub fn check_url(url: &str) -> Result<(), String> {
    Engine::from_url(url).map(drop)
}
