//! In-process sliding-window limits on attempts, and the client IP they are counted by.
//!
//! Admission is atomic: [`RateLimiter::admit`] checks every limit of an attempt and counts the
//! attempt against all of them under one lock, before any work is done, so parallel guesses
//! cannot all pass a check that none of them has been counted in yet. An attempt that should
//! not count (a login that succeeded, a request refused for other reasons) is taken back.
//!
//! Memory is bounded whatever clients send: keys are 16-byte digests of already validated,
//! normalised values, a key holds at most its limit's number of times, and the map holds at
//! most [`MAX_KEYS`] keys (expired ones are swept first, then the least recently used go).
//!
//! Each server process counts on its own: with N processes an attacker gets at most N times the
//! limit, which still stops brute force. A shared store would close that gap at the cost of a
//! write per attempt; see ARCHITECTURE.md.

use std::{
    collections::{HashMap, VecDeque},
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, FromRef, FromRequestParts},
    http::{HeaderMap, request::Parts},
};
use sha2::{Digest, Sha256};

use crate::{
    config::{Config, ProxyTrust},
    error::ApiError,
};

/// The most keys tracked at once (about 15 MB at ten attempts each).
pub const MAX_KEYS: usize = 100_000;

/// What an attempt is counted under: a digest of a kind and a normalised value, so a 1 MB
/// "email" costs what a short one does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LimitKey([u8; 16]);

impl LimitKey {
    pub fn new(kind: &str, value: &str) -> Self {
        let digest = Sha256::new().chain_update(kind).chain_update([0]).chain_update(value).finalize();
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        Self(key)
    }
}

pub struct RateLimiter {
    window: Duration,
    attempts: Mutex<HashMap<LimitKey, VecDeque<Instant>>>,
}

/// An attempt counted against its limits. Dropped, it stays counted; [`Admission::refund`]
/// takes it back.
#[must_use = "an admission stays counted unless refunded"]
pub struct Admission<'a> {
    limiter: &'a RateLimiter,
    counted: Vec<(LimitKey, Instant)>,
}

impl Admission<'_> {
    /// The attempt does not count after all (it succeeded, or failed for a reason that is not
    /// the caller's guess): removes it from every limit it was counted in.
    pub fn refund(self) {
        let mut map = self.limiter.lock();
        for (key, at) in &self.counted {
            if let Some(times) = map.get_mut(key)
                && let Some(i) = times.iter().rposition(|t| t == at)
            {
                times.remove(i);
            }
        }
    }

    /// Refunds this attempt and forgets `key` altogether (a successful login clears the
    /// failures of that email from that client).
    pub fn refund_and_clear(self, key: LimitKey) {
        self.limiter.lock().remove(&key);
        self.refund();
    }
}

impl RateLimiter {
    pub fn new(window: Duration) -> Self {
        Self { window, attempts: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<LimitKey, VecDeque<Instant>>> {
        self.attempts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts an attempt against every `(key, max)` if each has fewer than `max` attempts in
    /// the window; otherwise counts nothing and answers `429` with the longest wait.
    pub fn admit(&self, limits: &[(LimitKey, u32)]) -> Result<Admission<'_>, ApiError> {
        let now = Instant::now();
        let mut map = self.lock();
        let mut wait = None;
        for (key, max) in limits {
            let Some(times) = map.get_mut(key) else { continue };
            self.expire(times, now);
            if times.len() >= *max as usize {
                let oldest = times.front().copied().unwrap_or(now);
                let retry = (oldest + self.window).saturating_duration_since(now);
                wait = wait.max(Some(retry));
            }
        }
        if let Some(retry) = wait {
            return Err(ApiError::rate_limited(retry.as_secs() + 1));
        }
        if map.len() + limits.len() > MAX_KEYS {
            self.make_room(&mut map, now, limits.len());
        }
        for (key, _) in limits {
            map.entry(*key).or_default().push_back(now);
        }
        Ok(Admission { limiter: self, counted: limits.iter().map(|(key, _)| (*key, now)).collect() })
    }

    /// Drops expired keys; if that is not enough, the tenth of the keys used longest ago.
    fn make_room(&self, map: &mut HashMap<LimitKey, VecDeque<Instant>>, now: Instant, needed: usize) {
        map.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        if map.len() + needed <= MAX_KEYS {
            return;
        }
        let mut by_age: Vec<(Instant, LimitKey)> =
            map.iter().map(|(key, times)| (times.back().copied().unwrap_or(now), *key)).collect();
        by_age.sort_unstable_by_key(|(at, _)| *at);
        for (_, key) in by_age.into_iter().take(MAX_KEYS / 10 + needed) {
            map.remove(&key);
        }
    }

    fn expire(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
    }

    #[cfg(test)]
    fn keys(&self) -> usize {
        self.lock().len()
    }
}

/// The client's IP: the socket peer, or, behind a trusted reverse proxy, the address that proxy
/// saw (see [`client_ip`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp {
    pub ip: IpAddr,
    /// Taken from `X-Forwarded-For` rather than the socket.
    pub forwarded: bool,
}

impl ClientIp {
    /// The key for a per-IP limit, or `None` for a loopback peer connected directly: that is
    /// the operator's own tooling or a local reverse proxy that was not declared (declare it
    /// with `OXCART_TRUST_PROXY`), and counting all of them as one client would throttle
    /// everyone together. A forwarded address is never exempt, whatever it says.
    pub fn limit_key(&self, action: &str) -> Option<LimitKey> {
        (self.forwarded || !self.ip.is_loopback()).then(|| self.key(action))
    }

    /// The key for this client in `action`, loopback or not.
    pub fn key(&self, action: &str) -> LimitKey {
        LimitKey::new(&format!("{action}-ip"), &self.ip.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp
where
    Arc<Config>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        Ok(client_ip(peer, &parts.headers, &Arc::<Config>::from_ref(state).proxy))
    }
}

/// Who the client is. Without a trusted proxy, the socket peer: `X-Forwarded-For` is then
/// whatever the client wrote. Behind one, `X-Forwarded-For` is read from the right, where each
/// proxy appends the address it saw: with `networks` set (and the peer among them), the client is
/// the rightmost address that is not one of those proxies; otherwise the address `hops` entries
/// from the right (1: the one the nearest proxy appended). Everything to the left of that is
/// the client's own writing and is never believed.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trust: &ProxyTrust) -> ClientIp {
    let direct = ClientIp { ip: peer, forwarded: false };
    if !trust.trusts(peer) {
        return direct;
    }
    let chain: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if chain.is_empty() {
        return direct;
    }
    let through_proxy = |ip: Option<IpAddr>| ClientIp { ip: ip.unwrap_or(peer), forwarded: true };
    if !trust.networks.is_empty() {
        let mut leftmost = None;
        for entry in chain.iter().rev() {
            let Some(ip) = parse_address(entry) else { return through_proxy(None) };
            if !trust.networks.iter().any(|net| net.contains(&ip)) {
                return through_proxy(Some(ip));
            }
            leftmost = Some(ip);
        }
        return through_proxy(leftmost);
    }
    let hops = usize::from(trust.hops);
    match chain.len().checked_sub(hops).and_then(|i| chain.get(i)) {
        Some(entry) => through_proxy(parse_address(entry)),
        // Fewer entries than proxies: the request skipped one; count it as the proxy's own.
        None => through_proxy(None),
    }
}

/// `203.0.113.7`, `2001:db8::1`, `203.0.113.7:4711` or `[2001:db8::1]:4711`.
fn parse_address(entry: &str) -> Option<IpAddr> {
    entry.parse::<IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn key(n: u32) -> LimitKey {
        LimitKey::new("test", &n.to_string())
    }

    #[test]
    fn blocks_after_max_attempts_and_says_when_to_retry() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        for _ in 0..3 {
            drop(limiter.admit(&[(key(1), 3)]).expect("under the limit"));
        }
        let err = limiter.admit(&[(key(1), 3)]).err().expect("over the limit");
        assert_eq!(err.code(), "rate_limited");
        drop(limiter.admit(&[(key(2), 3)]).expect("keys are separate"));
    }

    #[test]
    fn attempts_in_flight_count_and_refunds_give_them_back() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        let first = limiter.admit(&[(key(1), 2), (key(2), 5)]).expect("first");
        let second = limiter.admit(&[(key(1), 2), (key(2), 5)]).expect("second");
        assert!(limiter.admit(&[(key(1), 2)]).is_err(), "two in flight fill a limit of two");
        assert!(limiter.admit(&[(key(1), 2), (key(2), 5)]).is_err(), "refused as a whole");
        first.refund();
        let third = limiter.admit(&[(key(1), 2), (key(2), 5)]).expect("a refund makes room");
        drop((second, third));
        assert!(limiter.admit(&[(key(2), 2)]).is_err(), "the refused attempt counted nowhere");
    }

    #[test]
    fn attempts_expire_with_the_window() {
        let limiter = RateLimiter::new(Duration::from_millis(20));
        drop(limiter.admit(&[(key(1), 1)]).expect("first"));
        assert!(limiter.admit(&[(key(1), 1)]).is_err());
        std::thread::sleep(Duration::from_millis(30));
        drop(limiter.admit(&[(key(1), 1)]).expect("window passed"));
    }

    #[test]
    fn the_number_of_keys_is_bounded() {
        let limiter = RateLimiter::new(Duration::from_secs(60));
        for n in 0..u32::try_from(MAX_KEYS + 5000).expect("fits") {
            drop(limiter.admit(&[(key(n), 10)]).expect("room"));
        }
        assert!(limiter.keys() <= MAX_KEYS, "{}", limiter.keys());
        assert!(limiter.admit(&[(key(u32::MAX), 10)]).is_ok(), "the newest keys are kept");
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).expect("header"));
        headers
    }

    #[test]
    fn without_a_trusted_proxy_the_header_is_ignored() {
        let peer: IpAddr = "198.51.100.1".parse().expect("ip");
        let ip = client_ip(peer, &forwarded("127.0.0.1"), &ProxyTrust::default());
        assert_eq!(ip, ClientIp { ip: peer, forwarded: false });
    }

    #[test]
    fn behind_one_proxy_the_address_it_appended_counts() {
        let trust = ProxyTrust { hops: 1, networks: Vec::new() };
        let proxy: IpAddr = "127.0.0.1".parse().expect("ip");
        // The client wrote "127.0.0.1, 10.9.9.9"; the proxy appended what it saw.
        let ip = client_ip(proxy, &forwarded("127.0.0.1, 10.9.9.9, 203.0.113.7"), &trust);
        assert_eq!(ip, ClientIp { ip: "203.0.113.7".parse().expect("ip"), forwarded: true });
        assert!(ip.limit_key("login").is_some());
        let spoofed_loopback = client_ip(proxy, &forwarded("127.0.0.1"), &trust);
        assert!(spoofed_loopback.forwarded && spoofed_loopback.limit_key("login").is_some());
        let two = ProxyTrust { hops: 2, networks: Vec::new() };
        let ip = client_ip(proxy, &forwarded("1.1.1.1, 203.0.113.7, 10.0.0.2"), &two);
        assert_eq!(ip.ip, "203.0.113.7".parse::<IpAddr>().expect("ip"));
    }

    #[test]
    fn trusted_networks_are_skipped_from_the_right() {
        let trust = ProxyTrust { hops: 1, networks: vec!["10.0.0.0/8".parse().expect("net")] };
        let proxy: IpAddr = "10.0.0.5".parse().expect("ip");
        let ip = client_ip(proxy, &forwarded("6.6.6.6, 203.0.113.7:5123, 10.0.0.9"), &trust);
        assert_eq!(ip, ClientIp { ip: "203.0.113.7".parse().expect("ip"), forwarded: true });
        let stranger: IpAddr = "198.51.100.1".parse().expect("ip");
        let ip = client_ip(stranger, &forwarded("203.0.113.7"), &trust);
        assert_eq!(ip, ClientIp { ip: stranger, forwarded: false }, "only our proxies are believed");
    }
}
