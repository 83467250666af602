//! The parts of the configuration: each a small type with its own checks.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use serde::Deserialize;

use super::error::ConfigError;

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Which reverse proxies in front of Oxcart are believed about the client's address
/// (`X-Forwarded-For`); see `http::rate_limit::client_ip`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyTrust {
    /// How many proxies append to `X-Forwarded-For` in front of Oxcart; 0 believes none.
    pub hops: u8,
    /// The proxies' own networks. When set, only a peer inside them is believed, and the client
    /// is the rightmost forwarded address outside them (whatever `hops` says).
    pub networks: Vec<ipnet::IpNet>,
}

impl ProxyTrust {
    /// Whether `X-Forwarded-For` from this peer is read at all.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        if self.networks.is_empty() { self.hops > 0 } else { self.networks.iter().any(|n| n.contains(&peer)) }
    }

    /// `false`, `true` (one proxy) or a number of proxies; then a comma-separated list of
    /// networks (`10.0.0.0/8, 127.0.0.1`), which may be empty.
    pub(super) fn parse(trust: Option<&str>, networks: Option<&str>) -> Result<Self, ConfigError> {
        let hops = match trust.map(str::trim) {
            None | Some("false") => 0,
            Some("true") => 1,
            Some(n) => n.parse::<u8>().ok().filter(|n| *n <= 10).ok_or_else(|| {
                ConfigError(format!(
                    "OXCART_TRUST_PROXY `{n}` must be true, false or a number of proxies (0-10)"
                ))
            })?,
        };
        let networks = networks
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                n.parse::<ipnet::IpNet>().or_else(|_| n.parse::<IpAddr>().map(ipnet::IpNet::from)).map_err(
                    |_| {
                        ConfigError(format!(
                            "OXCART_TRUSTED_PROXIES `{n}` is not an address or a network like 10.0.0.0/8"
                        ))
                    },
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { hops, networks })
    }
}

/// Origins other than the shop's own that browsers may call the API from (CORS), as Medusa's
/// `STORE_CORS` and `ADMIN_CORS`. An origin is `scheme://host[:port]`, lower case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cors {
    /// May call the store API (`/v1/…` but `/v1/admin/…`).
    pub store: Vec<String>,
    /// May call the admin API (`/v1/admin/…`), and sign in (`/v1/auth/…`, `/v1/me`).
    pub admin: Vec<String>,
}

impl Cors {
    pub(super) fn parse(key: &str, value: Option<&str>) -> Result<Vec<String>, ConfigError> {
        value
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|origin| {
                let lower = origin.trim_end_matches('/').to_ascii_lowercase();
                let (scheme, rest) = lower.split_once("://").unwrap_or(("", ""));
                let valid = matches!(scheme, "http" | "https")
                    && !rest.is_empty()
                    && !rest.contains(['/', '?', '#', '*', ' ', '@']);
                if valid {
                    Ok(lower)
                } else {
                    Err(ConfigError(format!(
                        "{key} `{origin}` is not an origin like https://shop.example or http://localhost:3000"
                    )))
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSameSite {
    Lax,
    Strict,
    None,
}

impl CookieSameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lax => "Lax",
            Self::Strict => "Strict",
            Self::None => "None",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Limits on login and registration attempts, counted per client IP and per email.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimits {
    /// Window over which attempts are counted, in seconds.
    pub window_secs: u64,
    /// Failed logins for one email from one client IP within the window: what stops one
    /// attacker guessing one account, without touching the owner's own attempts.
    pub login_failures_per_email_and_ip: u32,
    /// Failed logins for one email from everywhere within the window: the ceiling for a
    /// guesser spread over many addresses.
    pub login_failures_per_email: u32,
    /// Failed logins from one IP within the window before it answers 429.
    pub login_failures_per_ip: u32,
    /// Registrations attempted from one IP within the window.
    pub register_per_ip: u32,
    /// Registrations attempted for one email within the window.
    pub register_per_email: u32,
    /// Password reset requests for one email within the window.
    pub password_reset_per_email: u32,
    /// Password reset requests and confirmations from one IP within the window.
    pub password_reset_per_ip: u32,
    /// Carts created from one IP within the window.
    pub carts_per_ip: u32,
    /// Promotion codes tried from one IP within the window that are no promotion's: what
    /// stops anyone from finding codes by guessing.
    pub unknown_codes_per_ip: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            login_failures_per_email_and_ip: 10,
            login_failures_per_email: 100,
            login_failures_per_ip: 50,
            register_per_ip: 60,
            register_per_email: 5,
            password_reset_per_email: 5,
            password_reset_per_ip: 30,
            carts_per_ip: 300,
            unknown_codes_per_ip: 20,
        }
    }
}

/// (or both). With neither, it is not served at all.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// `Authorization: Bearer <token>` required on `/metrics`, wherever it is served.
    pub token: Option<Secret<String>>,
    /// Serve `/metrics` on this address (for instance a private interface), and not on the
    /// shop's.
    pub listen: Option<SocketAddr>,
}

/// Stripe: the `stripe` payment provider and its webhooks.
#[derive(Debug, Clone)]
pub struct Stripe {
    /// `sk_live_…` or `sk_test_…`; the `stripe` provider is offered only when set.
    pub secret_key: Option<Secret<String>>,
    /// `whsec_…`: `POST /v1/webhooks/stripe` accepts only events signed with it.
    pub webhook_secret: Option<Secret<String>>,
    /// `https://api.stripe.com` unless a test points it at a fake.
    pub api_base: String,
    /// How long one call to Stripe may take before it is retried (same idempotency key).
    pub timeout: Duration,
}

/// Email: where it goes and how it looks.
#[derive(Debug, Clone)]
pub struct Mail {
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://…:465` (TLS) or
    /// `smtp://host:25` (plain). `None`: messages are written as `.eml` files under
    /// `<data_dir>/mail/` instead of being sent.
    pub smtp_url: Option<Secret<String>>,
    pub from: String,
    pub shop_name: String,
    /// `#rrggbb`, used in the HTML emails.
    pub brand_color: String,
    /// Run the delivery worker inside `oxcart serve` (off when a separate `oxcart worker` runs).
    pub worker: bool,
    pub outbox: Outbox,
}

/// Outbox delivery: retries with exponential backoff and jitter, then `dead`.
#[derive(Debug, Clone, Copy)]
pub struct Outbox {
    pub max_attempts: u32,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// How often an idle worker looks for due messages.
    pub poll: Duration,
    /// How long a claimed message is the claiming worker's before another may take it over.
    pub lease: Duration,
    /// How many messages one process sends at once.
    pub concurrency: u16,
}

/// How the background reconciler settles orders a crash left `pending_payment`.
#[derive(Debug, Clone, Copy)]
pub struct Reconcile {
    /// How often each process looks.
    pub every: Duration,
    /// How old a pending order must be before it is looked at (a live checkout is younger).
    pub after: Duration,
    /// How old a pending order the provider never charged must be before its stock is released
    /// and its cart reopened. At most 15 minutes (API.md guarantee 2).
    pub release_unpaid_after: Duration,
}
