//! Building and running the application: used by `main` and by the tests alike.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::TcpListener;

use crate::{
    checkout,
    config::Config,
    db::Db,
    http,
    http::{catalog_cache::CatalogCache, rate_limit::RateLimiter},
    metrics::Metrics,
    notifications::{Mailer, Worker},
    payments::Payments,
};

/// What every handler can reach. One `Arc`: every middleware and handler takes its own copy
/// for every request, and a struct of shared parts cost an atomic increment and decrement per
/// part each time (a sixth of the CPU of a cached catalog request).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`], reached through it (`state.db`).
#[derive(Clone)]
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub auth_limiter: Arc<RateLimiter>,
    pub payments: Payments,
    pub catalog_cache: Arc<CatalogCache>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("cannot open the {engine} database: {source}{hint}")]
    Database { engine: &'static str, source: sqlx::Error, hint: &'static str },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

/// Opens (creating if needed) the configured database and brings its schema up to date.
impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if config.uses_default_database() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    let url = config.effective_database_url();
    let engine = crate::db::Engine::from_url(&url).map_err(crate::config::ConfigError)?;
    let db = Db::connect(&url, config.db_max_connections).await.map_err(|source| StartError::Database {
        engine: engine.name(),
        source,
        hint: engine.open_failure_hint(),
    })?;
    db.migrate().await?;
    Ok(db)
}

pub struct App {
    state: AppState,
    mailer: Arc<Mailer>,
    /// `OXCART_METRICS_LISTEN`, once bound.
    metrics_listener: Option<TcpListener>,
}

impl App {
    /// Connects, migrates and assembles the application. Does not listen yet.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let mailer =
            Arc::new(Mailer::new(&config).map_err(|e| StartError::Config(crate::config::ConfigError(e)))?);
        let db = open_database(&config).await?;
        Ok(Self::with_database(config, db, mailer))
    }

    pub fn with_database(config: Config, db: Db, mailer: Arc<Mailer>) -> Self {
        let auth_limiter = Arc::new(RateLimiter::new(Duration::from_secs(config.rate_limits.window_secs)));
        let payments = Payments::new(&db, &config);
        let state = AppState(Arc::new(Shared {
            db,
            metrics: Arc::new(Metrics::new()),
            auth_limiter,
            payments,
            catalog_cache: Arc::new(CatalogCache::new(config.catalog_cache)),
            config: Arc::new(config),
        }));
        Self { state, mailer, metrics_listener: None }
    }

    /// The outbox delivery worker over this app's database and mailer.
    pub fn worker(&self) -> Worker {
        Worker {
            db: self.state.db.clone(),
            config: self.state.config.clone(),
            mailer: self.mailer.clone(),
            metrics: self.state.metrics.clone(),
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Where `/metrics` is served on an address of its own, once bound.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Binds the listening socket (and the metrics one, when configured). Unless a public URL
    /// was configured, the public URL becomes the address actually bound (port 0 picks a free
    /// port).
    pub async fn bind(&mut self) -> Result<TcpListener, StartError> {
        let addr = self.state.config.listen;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
        if let Some(addr) = self.state.config.metrics.listen {
            let metrics =
                TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
            self.metrics_listener = Some(metrics);
        }
        if !self.state.config.public_url_configured
            && let Ok(bound) = listener.local_addr()
        {
            let shared = Arc::make_mut(&mut self.state.0);
            Arc::make_mut(&mut shared.config).public_url = format!("http://{bound}");
        }
        Ok(listener)
    }

    /// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let db = self.state.db.clone();
        let (stop_worker, stopped) = tokio::sync::watch::channel(false);
        let worker =
            self.state.config.mail.worker.then(|| tokio::spawn(self.worker().run(wait_for(stopped))));
        let reconciler = tokio::spawn(reconcile_forever(self.state.clone()));
        let limits = http::server::ConnectionLimits {
            header_timeout: self.state.config.header_timeout,
            max_connections: http::server::max_connections(self.state.config.max_connections),
        };
        let metrics = self.metrics_listener.map(|metrics_listener| {
            let router = http::metrics_router(self.state.clone());
            let (stop, stopped) = tokio::sync::watch::channel(false);
            (stop, tokio::spawn(http::server::serve(metrics_listener, router, limits, wait_for(stopped))))
        });
        let router = http::router(self.state);
        http::server::serve(listener, router, limits, shutdown).await?;
        if let Some((stop, server)) = metrics {
            let _ = stop.send(true);
            let _ = server.await;
        }
        reconciler.abort();
        // The worker finishes the message in hand, so it is not left half-sent.
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            let _ = tokio::time::timeout(Duration::from_secs(35), worker).await;
        }
        db.close().await;
        Ok(())
    }
}

/// Every `settings.every` (30 s by default): settles orders a crash or a lost connection left
/// `pending_payment` (see `checkout::reconcile_pending`), forgets idempotency keys older than a
/// day, and sweeps guest carts abandoned longer than `OXCART_GUEST_CART_TTL_HOURS`. Every
/// process runs it; settling an order and deleting a cart are guarded, so they never do either
/// twice.
async fn reconcile_forever(state: AppState) {
    let (db, payments, catalog_cache, config) =
        (state.db.clone(), state.payments.clone(), state.catalog_cache.clone(), state.config.clone());
    let (settings, guest_cart_ttl) = (config.reconcile, config.guest_cart_ttl);
    let mut tick = tokio::time::interval(settings.every);
    loop {
        tick.tick().await;
        match checkout::reconcile_pending(&db, &payments, &settings).await {
            Ok(0) => {}
            Ok(settled) => {
                catalog_cache.invalidate();
                tracing::info!(settled, "reconciled pending orders");
            }
            Err(e) => tracing::warn!(error = %e, "reconciling pending orders failed"),
        }
        if let Err(e) = http::idempotency::sweep(&db).await {
            tracing::warn!(error = %e, "sweeping expired idempotency keys failed");
        }
        let ttl_ms = i64::try_from(guest_cart_ttl.as_millis()).unwrap_or(i64::MAX);
        match crate::cart::sweep_abandoned(&db, crate::time::now_ms().saturating_sub(ttl_ms)).await {
            Ok(0) => {}
            Ok(swept) => tracing::info!(swept, "swept abandoned guest carts"),
            Err(e) => tracing::warn!(error = %e, "sweeping abandoned guest carts failed"),
        }
    }
}

/// Resolves once `stopped` says true (or its sender is gone).
pub(crate) async fn wait_for(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Runs the background jobs without the HTTP server (`oxcart worker`): outbox delivery and
/// the reconciler, until `shutdown` resolves.
pub async fn run_worker(app: App, shutdown: impl Future<Output = ()> + Send + 'static) {
    let db = app.state.db.clone();
    let reconciler = tokio::spawn(reconcile_forever(app.state.clone()));
    app.worker().run(shutdown).await;
    reconciler.abort();
    db.close().await;
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
