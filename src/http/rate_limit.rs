//! In-process sliding-window limits on attempts, keyed by a string (`login-ip:1.2.3.4`).
//!
//! Each server process counts on its own: with N processes an attacker gets at most N times the
//! limit, which still stops brute force. A shared store would close that gap at the cost of a
//! write per attempt; see ARCHITECTURE.md.

use std::{
    collections::{HashMap, VecDeque},
    net::{IpAddr, SocketAddr},
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

use crate::{app::AppState, error::ApiError};

/// Stop tracking this many keys at once; old windows are swept when it is reached.
const SWEEP_AT_KEYS: usize = 50_000;

pub struct RateLimiter {
    window: Duration,
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(window: Duration) -> Self {
        Self { window, attempts: Mutex::new(HashMap::new()) }
    }

    /// `Err(429)` when `key` already has `max` attempts inside the window.
    pub fn check(&self, key: &str, max: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = map.get_mut(key) else { return Ok(()) };
        self.expire(times, now);
        if times.len() >= max as usize {
            let oldest = times.front().copied().unwrap_or(now);
            let retry = (oldest + self.window).saturating_duration_since(now);
            return Err(ApiError::rate_limited(retry.as_secs() + 1));
        }
        Ok(())
    }

    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= SWEEP_AT_KEYS {
            map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let times = map.entry(key.to_owned()).or_default();
        self.expire(times, now);
        times.push_back(now);
    }

    /// Checks, then counts this attempt.
    pub fn hit(&self, key: &str, max: u32) -> Result<(), ApiError> {
        self.check(key, max)?;
        self.record(key);
        Ok(())
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
    }
}

/// The client's IP: the socket peer, or the first `X-Forwarded-For` hop when configured to
/// trust a reverse proxy.
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The key for a per-IP limit, or `None` for loopback: a loopback peer is the operator's own
    /// tooling or a local reverse proxy (which should set `OXCART_TRUST_PROXY`), and counting
    /// all of them as one client would throttle everyone together. Per-email limits still apply.
    pub fn limit_key(&self, action: &str) -> Option<String> {
        (!self.0.is_loopback()).then(|| format!("{action}-ip:{}", self.0))
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if let Some(ip) = forwarded {
                return Ok(Self(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(Self(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_attempts_and_says_when_to_retry() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        for _ in 0..3 {
            limiter.hit("k", 3).expect("under the limit");
        }
        let err = limiter.hit("k", 3).expect_err("over the limit");
        assert_eq!(err.code(), "rate_limited");
        limiter.check("other", 3).expect("keys are separate");
    }

    #[test]
    fn attempts_expire_with_the_window() {
        let limiter = RateLimiter::new(Duration::from_millis(20));
        limiter.hit("k", 1).expect("first");
        assert!(limiter.check("k", 1).is_err());
        std::thread::sleep(Duration::from_millis(30));
        limiter.check("k", 1).expect("window passed");
    }
}
