//! Configuration: defaults, then an optional `oxcart.toml`, then `OXCART_*` environment variables.
//!
//! Every problem is reported as one readable line (`ConfigError`) before anything starts.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

mod error;
mod faults;
mod sources;
pub use error::ConfigError;
pub use faults::Faults;
use sources::Sources;

mod settings;
pub use settings::{
    CookieSameSite, Cors, LogFormat, Mail, Metrics, Outbox, ProxyTrust, RateLimits, Reconcile, Secret, Stripe,
};

#[derive(Debug, Clone)]
pub struct Config {
    /// `None` means the embedded default database under `data_dir`; only then does Oxcart
    /// create demo data by itself.
    pub database_url: Option<Secret<String>>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub public_url: String,
    /// False when `public_url` was derived from `listen`: then it follows the port actually
    /// bound (which differs when listening on port 0).
    pub public_url_configured: bool,
    pub log_format: LogFormat,
    pub log_level: String,
    pub session_ttl: Duration,
    pub cookie_secure: bool,
    /// Which proxies' `X-Forwarded-For` is believed (none by default).
    pub proxy: ProxyTrust,
    /// How long a connection may take to send a request head (and stay idle between requests).
    pub header_timeout: Duration,
    /// How long a request body may take to arrive, from its first byte to its last.
    pub body_timeout: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
    /// Who may read `/metrics`, and where.
    pub metrics: Metrics,
    /// Other origins browsers may call the API from.
    pub cors: Cors,
    /// The session cookie's `SameSite`: `Lax` (default), `Strict`, or `None` (for a storefront
    /// on another site that signs in with the cookie; always `Secure` then).
    pub cookie_same_site: CookieSameSite,
    pub db_max_connections: u32,
    pub rate_limits: RateLimits,
    /// The store's one currency, a lower-case ISO 4217 code.
    pub currency: String,
    pub reconcile: Reconcile,
    /// How long a shoppers' catalog answer may be served from memory (zero: not at all).
    pub catalog_cache: Duration,
    /// The largest picture staff may upload (`OXCART_MEDIA_MAX_BYTES`).
    pub media_max_bytes: usize,
    /// How long a guest cart nobody changes is kept before it is swept away.
    pub guest_cart_ttl: Duration,
    pub mail: Mail,
    pub stripe: Stripe,
    /// Testing only, and only from the process environment (`faults.rs`).
    pub faults: Faults,
}

impl Config {
    /// Loads from `OXCART_CONFIG` (or `./oxcart.toml` when present) and the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let explicit = std::env::var("OXCART_CONFIG").ok();
        let path = PathBuf::from(explicit.as_deref().unwrap_or("oxcart.toml"));
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(ConfigError(format!("cannot read {}: {e}", path.display()))),
        };
        let env = |key: &str| std::env::var(key).ok();
        let sources =
            Sources::new(&file, &env).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))?;
        Self::from_sources(&sources).map_err(|e| match e {
            unknown if unknown.0.starts_with("unknown key") => {
                ConfigError(format!("{}: {}", path.display(), unknown.0))
            }
            other => sources.locate(other, &path.display().to_string()),
        })
    }

    /// Defaults for a test or embedding: the given database, a random port, quiet logs.
    pub fn for_database(database_url: &str, data_dir: PathBuf) -> Self {
        let none = |_: &str| None;
        let sources = Sources::new("", &none).expect("no file");
        let mut config = Self::from_sources(&sources).expect("the built-in defaults are valid");
        config.database_url = Some(Secret::new(database_url.to_owned()));
        config.data_dir = data_dir;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config
    }

    /// Every setting, from the environment (`OXCART_LISTEN`) or else the file (`listen = …`),
    /// else its default; a file key that no setting read is an error.
    fn from_sources(src: &Sources<'_>) -> Result<Self, ConfigError> {
        let env = |key: &str| src.get(key);
        let listen_text = env("OXCART_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            ConfigError(format!("OXCART_LISTEN `{listen_text}` is not an address like 127.0.0.1:8080"))
        })?;
        let configured_url = env("OXCART_PUBLIC_URL");
        let public_url_configured = configured_url.is_some();
        let public_url = configured_url.unwrap_or_else(|| format!("http://{listen}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "OXCART_PUBLIC_URL `{public_url}` must start with http:// or https://"
            )));
        }
        let log_format = match env("OXCART_LOG") {
            Some(v) => parse_log_format(&v)?,
            None => LogFormat::Pretty,
        };
        let database_url = env("OXCART_DATABASE_URL");
        if let Some(url) = &database_url {
            crate::db::check_url(url).map_err(ConfigError)?;
        }
        let session_hours = parse_env(&env, "OXCART_SESSION_TTL_HOURS")?.unwrap_or(24 * 30);
        if session_hours == 0 {
            return Err(ConfigError("OXCART_SESSION_TTL_HOURS must be at least 1".into()));
        }
        let db_max_connections = parse_env(&env, "OXCART_DB_MAX_CONNECTIONS")?.unwrap_or(10);
        if db_max_connections == 0 {
            return Err(ConfigError("OXCART_DB_MAX_CONNECTIONS must be at least 1".into()));
        }
        let secs = |key: &str, default: u64| -> Result<Duration, ConfigError> {
            let value: u64 = parse_env(&env, key)?.unwrap_or(default);
            if value == 0 {
                return Err(ConfigError(format!("{key} must be at least 1")));
            }
            Ok(Duration::from_secs(value))
        };
        let reconcile = Reconcile {
            every: secs("OXCART_RECONCILE_EVERY_SECS", 30)?,
            after: secs("OXCART_RECONCILE_AFTER_SECS", 60)?,
            release_unpaid_after: secs("OXCART_RELEASE_UNPAID_AFTER_SECS", 600)?,
        };
        if reconcile.release_unpaid_after > Duration::from_secs(900) {
            return Err(ConfigError(
                "OXCART_RELEASE_UNPAID_AFTER_SECS must be at most 900 (15 minutes)".into(),
            ));
        }
        let faults = Faults::from_env(&|key| src.env_only(key))?;
        let millis = |key: &str, default: u64| -> Result<Duration, ConfigError> {
            let value: u64 = parse_env(&env, key)?.unwrap_or(default);
            if value == 0 {
                return Err(ConfigError(format!("{key} must be at least 1")));
            }
            Ok(Duration::from_millis(value))
        };
        let brand_color = env("OXCART_BRAND_COLOR").unwrap_or_else(|| "#b7410e".into());
        if !(brand_color.len() == 7
            && brand_color.starts_with('#')
            && brand_color[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(ConfigError(format!("OXCART_BRAND_COLOR `{brand_color}` must look like #b7410e")));
        }
        let shop_name = env("OXCART_SHOP_NAME").unwrap_or_else(|| "Oxcart Outfitters".into());
        let mail = Mail {
            smtp_url: env("OXCART_SMTP_URL").filter(|u| !u.is_empty()).map(Secret::new),
            from: env("OXCART_MAIL_FROM").unwrap_or_else(|| format!("{shop_name} <shop@localhost>")),
            shop_name,
            brand_color,
            worker: parse_env(&env, "OXCART_WORKER")?.unwrap_or(true),
            outbox: Outbox {
                max_attempts: parse_env(&env, "OXCART_OUTBOX_MAX_ATTEMPTS")?.unwrap_or(12).max(1),
                retry_base: millis("OXCART_OUTBOX_RETRY_BASE_MS", 5_000)?,
                retry_max: millis("OXCART_OUTBOX_RETRY_MAX_MS", 3_600_000)?,
                poll: millis("OXCART_OUTBOX_POLL_MS", 1_000)?,
                lease: millis("OXCART_OUTBOX_LEASE_MS", 120_000)?,
                concurrency: parse_env(&env, "OXCART_OUTBOX_CONCURRENCY")?.unwrap_or(4).clamp(1, 64),
            },
        };
        let stripe = Stripe {
            secret_key: env("OXCART_STRIPE_SECRET_KEY").filter(|k| !k.is_empty()).map(Secret::new),
            webhook_secret: env("OXCART_STRIPE_WEBHOOK_SECRET").filter(|k| !k.is_empty()).map(Secret::new),
            api_base: env("OXCART_STRIPE_API_BASE")
                .unwrap_or_else(|| "https://api.stripe.com".into())
                .trim_end_matches('/')
                .to_owned(),
            timeout: millis("OXCART_STRIPE_TIMEOUT_MS", 20_000)?,
        };
        let currency = env("OXCART_CURRENCY").unwrap_or_else(|| "usd".into());
        let currency = currency.trim().to_ascii_lowercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ConfigError(format!(
                "OXCART_CURRENCY `{currency}` must be a 3-letter ISO 4217 code"
            )));
        }
        let catalog_cache =
            Duration::from_millis(parse_env(&env, "OXCART_CATALOG_CACHE_MS")?.unwrap_or(1000));
        let metrics = Metrics {
            token: env("OXCART_METRICS_TOKEN").filter(|t| !t.is_empty()).map(Secret::new),
            listen: match env("OXCART_METRICS_LISTEN").filter(|l| !l.is_empty()) {
                Some(text) => Some(text.parse().map_err(|_| {
                    ConfigError(format!(
                        "OXCART_METRICS_LISTEN `{text}` is not an address like 10.0.0.5:9464"
                    ))
                })?),
                None => None,
            },
        };
        if metrics.token.as_ref().is_some_and(|t| t.expose().len() < 16) {
            return Err(ConfigError("OXCART_METRICS_TOKEN must be at least 16 characters".into()));
        }
        let cors = Cors {
            store: Cors::parse("OXCART_STORE_CORS", env("OXCART_STORE_CORS").as_deref())?,
            admin: Cors::parse("OXCART_ADMIN_CORS", env("OXCART_ADMIN_CORS").as_deref())?,
        };
        let cookie_same_site = match env("OXCART_COOKIE_SAME_SITE").map(|v| v.trim().to_ascii_lowercase()) {
            None => CookieSameSite::Lax,
            Some(v) if v == "lax" => CookieSameSite::Lax,
            Some(v) if v == "strict" => CookieSameSite::Strict,
            Some(v) if v == "none" => CookieSameSite::None,
            Some(v) => {
                return Err(ConfigError(format!(
                    "OXCART_COOKIE_SAME_SITE `{v}` must be lax, strict or none"
                )));
            }
        };
        let media_max_bytes: usize = parse_env(&env, "OXCART_MEDIA_MAX_BYTES")?.unwrap_or(10 * 1024 * 1024);
        if !(1..=100 * 1024 * 1024).contains(&media_max_bytes) {
            return Err(ConfigError(
                "OXCART_MEDIA_MAX_BYTES must be between 1 and 104857600 (100 MiB)".into(),
            ));
        }
        let max_connections: usize = parse_env(&env, "OXCART_MAX_CONNECTIONS")?.unwrap_or(8192);
        if max_connections == 0 {
            return Err(ConfigError("OXCART_MAX_CONNECTIONS must be at least 1".into()));
        }
        let config = Self {
            header_timeout: secs("OXCART_HEADER_TIMEOUT_SECS", 15)?,
            body_timeout: secs("OXCART_BODY_TIMEOUT_SECS", 30)?,
            max_connections,
            metrics,
            cors,
            cookie_same_site,
            guest_cart_ttl: Duration::from_secs(
                3600 * parse_env::<u64>(&env, "OXCART_GUEST_CART_TTL_HOURS")?.unwrap_or(24 * 30).max(1),
            ),
            currency,
            reconcile,
            catalog_cache,
            media_max_bytes,
            mail,
            stripe,
            faults,
            database_url: database_url.map(Secret::new),
            data_dir: env("OXCART_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("oxcart-data")),
            listen,
            // A `SameSite=None` cookie is only accepted by browsers when it is `Secure`.
            cookie_secure: cookie_same_site == CookieSameSite::None
                || parse_env(&env, "OXCART_COOKIE_SECURE")?.unwrap_or(public_url.starts_with("https://")),
            public_url,
            public_url_configured,
            log_format,
            log_level: env("OXCART_LOG_LEVEL").unwrap_or_else(|| "info".into()),
            session_ttl: Duration::from_secs(session_hours * 3600),
            proxy: ProxyTrust::parse(
                env("OXCART_TRUST_PROXY").as_deref(),
                env("OXCART_TRUSTED_PROXIES").as_deref(),
            )?,
            db_max_connections,
            rate_limits: src.rate_limits()?,
        };
        src.refuse_unread()?;
        Ok(config)
    }

    /// The database URL to connect to: the configured one, or the embedded default.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().clone(),
            None => crate::db::embedded_url(&self.data_dir),
        }
    }

    pub fn uses_default_database(&self) -> bool {
        self.database_url.is_none()
    }
}

fn parse_log_format(value: &str) -> Result<LogFormat, ConfigError> {
    match value {
        "pretty" => Ok(LogFormat::Pretty),
        "json" => Ok(LogFormat::Json),
        other => Err(ConfigError(format!("OXCART_LOG `{other}` must be `pretty` or `json`"))),
    }
}

fn parse_env<T: std::str::FromStr>(
    env: &impl Fn(&str) -> Option<String>,
    key: &str,
) -> Result<Option<T>, ConfigError> {
    env(key)
        .map(|v| v.trim().parse().map_err(|_| ConfigError(format!("{key} `{v}` is not a valid value"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = |k: &str| vars.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_string());
        Config::from_sources(&Sources::new("", &env)?)
    }

    #[test]
    fn defaults_serve_locally_on_the_embedded_database() {
        let c = load(&[]).expect("defaults");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(c.uses_default_database());
        assert!(c.effective_database_url().starts_with("sqlite://oxcart-data/"));
        assert!(!c.cookie_secure);
        assert_eq!(c.currency, "usd");
        assert_eq!(load(&[("OXCART_CURRENCY", "EUR")]).expect("eur").currency, "eur");
        assert!(load(&[("OXCART_CURRENCY", "euro")]).is_err());
    }

    #[test]
    fn bad_values_fail_with_one_clear_line() {
        let e = load(&[("OXCART_LISTEN", "nowhere")]).expect_err("bad listen");
        assert!(e.to_string().contains("OXCART_LISTEN"), "{e}");
        let e = load(&[("OXCART_LOG", "xml")]).expect_err("bad log");
        assert!(e.to_string().contains("pretty"), "{e}");
        let e = load(&[("OXCART_DATABASE_URL", "oracle://x")]).expect_err("bad db");
        assert!(e.to_string().contains("postgres") && e.to_string().contains("mysql"), "{e}");
        let e = load(&[("OXCART_SESSION_TTL_HOURS", "soon")]).expect_err("bad ttl");
        assert!(!e.to_string().contains('\n'));
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = load(&[("OXCART_PUBLIC_URL", "https://shop.example/")]).expect("https");
        assert!(c.cookie_secure);
        assert_eq!(c.public_url, "https://shop.example");
    }

    #[test]
    fn database_password_never_shows_in_debug_output() {
        let c = load(&[("OXCART_DATABASE_URL", "postgres://u:hunter2@db/x")]).expect("pg");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn proxies_are_trusted_only_when_declared() {
        assert_eq!(load(&[]).expect("default").proxy, ProxyTrust::default());
        assert_eq!(load(&[("OXCART_TRUST_PROXY", "true")]).expect("one").proxy.hops, 1);
        assert_eq!(load(&[("OXCART_TRUST_PROXY", "2")]).expect("two").proxy.hops, 2);
        let nets = load(&[("OXCART_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).expect("nets").proxy;
        assert!(
            nets.trusts("10.1.2.3".parse().expect("ip")) && nets.trusts("127.0.0.1".parse().expect("ip"))
        );
        assert!(!nets.trusts("198.51.100.1".parse().expect("ip")));
        assert!(load(&[("OXCART_TRUST_PROXY", "yes")]).is_err());
        assert!(load(&[("OXCART_TRUSTED_PROXIES", "10.0.0.0/33")]).is_err());
        let file = from_file("trust_proxy = 2\ntrusted_proxies = [\"10.0.0.0/8\"]").expect("toml");
        assert_eq!(file.proxy.hops, 2);
        assert_eq!(file.proxy.networks.len(), 1);
    }

    #[test]
    fn cors_origins_are_checked_and_normalised() {
        let c = load(&[("OXCART_STORE_CORS", "https://Shop.example/, http://localhost:3000")]).expect("cors");
        assert_eq!(c.cors.store, ["https://shop.example", "http://localhost:3000"]);
        assert!(c.cors.admin.is_empty());
        for bad in ["*", "shop.example", "https://shop.example/path", "ftp://x"] {
            assert!(load(&[("OXCART_ADMIN_CORS", bad)]).is_err(), "{bad}");
        }
        let none = load(&[("OXCART_COOKIE_SAME_SITE", "None")]).expect("none");
        assert!(none.cookie_secure, "SameSite=None cookies must be Secure");
    }

    fn from_file(text: &str) -> Result<Config, ConfigError> {
        let none = |_: &str| None;
        Config::from_sources(&Sources::new(text, &none)?)
    }

    #[test]
    fn toml_rejects_unknown_keys() {
        let e = from_file("listen = \"127.0.0.1:1\"\nlisen = 1").expect_err("typo");
        assert!(e.to_string().contains("lisen"), "{e}");
    }

    /// Every setting an environment variable takes, the file takes too, under its lower-case
    /// name without `OXCART_`; the environment wins.
    #[test]
    fn every_setting_can_live_in_the_file() {
        let text = "shop_name = \"Tide Goods\"\nsmtp_url = \"smtp://127.0.0.1:2525\"\nworker = false\n\
                    stripe_secret_key = \"sk_test_x\"\ncatalog_cache_ms = 0\nstore_cors = [\"https://a.example\"]\n\
                    outbox_concurrency = 9\nheader_timeout_secs = 5\n[rate_limits]\ncarts_per_ip = 7\n";
        let c = from_file(text).expect("file");
        assert_eq!(c.mail.shop_name, "Tide Goods");
        assert!(c.mail.smtp_url.is_some() && !c.mail.worker && c.stripe.secret_key.is_some());
        assert_eq!(c.catalog_cache, Duration::ZERO);
        assert_eq!(c.cors.store, ["https://a.example"]);
        assert_eq!(c.mail.outbox.concurrency, 9);
        assert_eq!(c.header_timeout, Duration::from_secs(5));
        assert_eq!(c.rate_limits.carts_per_ip, 7);
        let env = |k: &str| (k == "OXCART_SHOP_NAME").then(|| "From Env".to_owned());
        let c = Config::from_sources(&Sources::new(text, &env).expect("file")).expect("both");
        assert_eq!(c.mail.shop_name, "From Env");
        assert!(from_file("worker = \"sometimes\"").is_err());
    }

    /// The fault knobs come from the environment only: a file that names one is refused, so a
    /// configuration copied into production cannot make payments fail or checkouts stall.
    #[test]
    fn faults_are_read_from_the_environment_only() {
        assert_eq!(load(&[]).expect("none").faults.test_provider_failure_percent, 0);
        let set = load(&[
            ("OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT", "10"),
            ("OXCART_FAULT_PAUSE_AFTER_CHARGE_MS", "250"),
        ])
        .expect("env");
        assert_eq!(set.faults.test_provider_failure_percent, 10);
        assert_eq!(set.faults.pause_after_charge, Some(Duration::from_millis(250)));
        assert!(load(&[("OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT", "101")]).is_err());
        let e = from_file("fault_test_provider_failure_percent = 100").expect_err("file");
        assert!(e.to_string().contains("fault_test_provider_failure_percent"), "{e}");
        assert!(from_file("fault_pause_after_charge_ms = 60000").is_err());
    }
}
