//! Building and running the application: connect, migrate, bind, serve, run the background
//! jobs beside the server, and shut down in order. Used by `main` and by the tests alike.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::TcpListener;

use crate::{
    api,
    config::Config,
    db::Db,
    http::{self, catalog_cache::CatalogCache, rate_limit::RateLimiter},
    jobs,
    mail::{Mailer, Worker},
    metrics::Metrics,
    ops,
    payments::Payments,
    shutdown::wait_for,
    state::{AppState, Shared},
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Database(#[from] crate::db::OpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

/// Opens (creating if needed) the configured database and brings its schema up to date.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if config.uses_default_database() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    Ok(Db::open(&config.effective_database_url(), config.db_max_connections).await?)
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
        let state = AppState::new(Shared {
            db,
            metrics: Arc::new(Metrics::new()),
            auth_limiter,
            payments,
            catalog_cache: Arc::new(CatalogCache::new(config.catalog_cache)),
            catalog_size: Arc::new(crate::catalog::products::catalog_size()),
            taxes: crate::tax::TaxProviders::new(config.faults.tax_provider_down),
            regions: Arc::new(crate::recent::RecentValue::new(config.catalog_cache)),
            shipping_options: Arc::new(crate::recent::RecentValue::new(config.catalog_cache)),
            promotions: Arc::new(crate::recent::RecentValue::new(config.catalog_cache)),
            media: crate::media::MediaStore::directory(config.data_dir.join("media")),
            config: Arc::new(config),
        });
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
            self.state.config_mut().public_url = format!("http://{bound}");
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
        let mail = self.state.config.mail.worker.then(|| self.worker());
        let jobs = jobs::Jobs::start(self.state.clone(), mail);
        let limits = http::server::ConnectionLimits {
            header_timeout: self.state.config.header_timeout,
            max_connections: http::server::max_connections(self.state.config.max_connections),
        };
        let metrics = self.metrics_listener.map(|metrics_listener| {
            let router = ops::metrics_router(self.state.clone());
            let (stop, stopped) = tokio::sync::watch::channel(false);
            (stop, tokio::spawn(http::server::serve(metrics_listener, router, limits, wait_for(stopped))))
        });
        let router = api::router(self.state);
        http::server::serve(listener, router, limits, shutdown).await?;
        if let Some((stop, server)) = metrics {
            let _ = stop.send(true);
            let _ = server.await;
        }
        jobs.stop().await;
        db.close().await;
        Ok(())
    }
}

/// Runs the background jobs without the HTTP server (`oxcart worker`): outbox delivery and
/// the reconciler, until `shutdown` resolves.
pub async fn run_worker(app: App, shutdown: impl Future<Output = ()> + Send + 'static) {
    let db = app.state.db.clone();
    let jobs = jobs::Jobs::start(app.state.clone(), Some(app.worker()));
    shutdown.await;
    jobs.stop().await;
    db.close().await;
}
