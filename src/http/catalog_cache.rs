//! A short-lived, per-process cache of the shoppers' catalog answers (`GET /v1/products…`,
//! `GET /v1/categories…`). Browsing is most of a store's traffic, and a list page is several
//! queries; served from memory it costs a hash lookup.
//!
//! Why it cannot serve anything wrong for long: an answer is kept at most
//! `OXCART_CATALOG_CACHE_MS` (1 s by default), and every write through this process that can
//! change what shoppers see (admin changes, checkouts, payment webhooks, the reconciler)
//! empties it at once. A write through another process shows within the TTL. Nothing that
//! decides money or stock reads it: carts and checkout read products, prices and stock from
//! the database.
//!
//! Answers stored in the same moment (the burst after a write empties the cache) do not expire
//! together: each lives a random span between 3/4 of the TTL and the whole of it, so their
//! refetches spread over the last quarter instead of landing on the database at once.
//!
//! A missed key is fetched once: requests that miss while another one is already fetching the
//! same answer wait for it (up to [`FOLLOW_WAIT`]) instead of all running the same queries,
//! which at the moment popular answers expire would pile up on the database together.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::sync::Notify;

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

/// Past this many bytes of bodies, the cache starts over rather than grow.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// A body larger than this is not worth keeping.
const MAX_BODY: usize = 512 * 1024;
/// How long a request waits for another one fetching the same answer before it fetches the
/// answer itself.
const FOLLOW_WAIT: Duration = Duration::from_secs(1);

pub struct CatalogCache {
    ttl: Duration,
    version: AtomicU64,
    entries: Mutex<Entries>,
    /// The keys being fetched now, each with what its waiters wait on.
    fetching: Mutex<HashMap<String, Arc<Notify>>>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

#[derive(Clone)]
struct Entry {
    version: u64,
    expires: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl CatalogCache {
    /// A zero `ttl` turns the cache off.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            version: AtomicU64::new(0),
            entries: Mutex::new(Entries::default()),
            fetching: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets every answer: something shoppers can see has changed.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &str) -> Option<Entry> {
        let version = self.version.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        entries.map.get(key).filter(|e| e.version == version && now < e.expires).cloned()
    }

    /// When an answer stored now expires: see the module documentation.
    fn expiry(&self) -> Instant {
        let draw = f64::from(u16::from_le_bytes(crate::ids::random_bytes::<2>())) / f64::from(u16::MAX);
        Instant::now() + self.ttl.mul_f64(0.75 + 0.25 * draw)
    }

    /// The answer for `key`: kept, or fetched meanwhile by the request that was already
    /// fetching it. Otherwise `Err` with, when no one else is fetching it, the guard that makes
    /// this caller the one who does: it should store the answer before dropping the guard.
    async fn lookup(&self, key: &str) -> Result<Entry, Option<Fetching<'_>>> {
        if let Some(hit) = self.get(key) {
            return Ok(hit);
        }
        let wait = {
            let mut fetching = self.fetching.lock().unwrap_or_else(|e| e.into_inner());
            match fetching.get(key) {
                // Made while the lock is held, so the fetcher's wake-up cannot come before it.
                Some(done) => Arc::clone(done).notified_owned(),
                None => {
                    fetching.insert(key.to_owned(), Arc::new(Notify::new()));
                    return Err(Some(Fetching { cache: self, key: key.to_owned() }));
                }
            }
        };
        let _ = tokio::time::timeout(FOLLOW_WAIT, wait).await;
        self.get(key).ok_or(None)
    }

    fn put(&self, key: String, entry: Entry) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.bytes + entry.body.len() > MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        let key_len = key.len();
        entries.bytes += entry.body.len() + key_len;
        if let Some(old) = entries.map.insert(key, entry) {
            entries.bytes = entries.bytes.saturating_sub(old.body.len() + key_len);
        }
    }
}

/// Held by the one request fetching a missed key; dropping it wakes those waiting for it,
/// whether the answer was stored or not (an error, a panic).
struct Fetching<'a> {
    cache: &'a CatalogCache,
    key: String,
}

impl Drop for Fetching<'_> {
    fn drop(&mut self) {
        let mut fetching = self.cache.fetching.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(done) = fetching.remove(&self.key) {
            done.notify_waiters();
        }
    }
}

/// Middleware for the shoppers' catalog routes: answers a GET from the cache, or runs it and
/// keeps a 200.
pub async fn serve_from_cache(
    State(cache): State<Arc<CatalogCache>>,
    request: Request,
    next: Next,
) -> Response {
    if cache.ttl.is_zero() || request.method() != Method::GET {
        return next.run(request).await;
    }
    let key =
        request.uri().path_and_query().map_or_else(|| request.uri().path(), |pq| pq.as_str()).to_owned();
    let _fetching = match cache.lookup(&key).await {
        Ok(hit) => return (StatusCode::OK, hit.headers, Body::from(hit.body)).into_response(),
        Err(fetching) => fetching,
    };
    // The version before the handler reads: a write that lands meanwhile makes this entry stale.
    let version = cache.version.load(Ordering::Acquire);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    // A large or streamed body is passed on as it is, not kept.
    if body.size_hint().exact().is_none_or(|len| len > MAX_BODY as u64) {
        return Response::from_parts(parts, body);
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let entry =
        Entry { version, expires: cache.expiry(), headers: parts.headers.clone(), body: body.clone() };
    cache.put(key, entry);
    Response::from_parts(parts, Body::from(body))
}

/// Middleware for the routes whose writes change what shoppers see (chosen in `crate::api`):
/// after any request but a read, empties the catalog cache.
pub async fn invalidate_after_writes(
    State(cache): State<Arc<CatalogCache>>,
    request: Request,
    next: Next,
) -> Response {
    let changes_catalog = request.method() != Method::GET && request.method() != Method::HEAD;
    let response = next.run(request).await;
    if changes_catalog {
        cache.invalidate();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cache: &CatalogCache, body: &'static str) -> Entry {
        Entry {
            version: cache.version.load(Ordering::Acquire),
            expires: cache.expiry(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn an_answer_lives_until_a_write_or_the_ttl() {
        let cache = CatalogCache::new(Duration::from_millis(50));
        cache.put("/v1/products".into(), entry(&cache, "[1]"));
        assert_eq!(cache.get("/v1/products").map(|e| e.body), Some(Bytes::from_static(b"[1]")));
        cache.invalidate();
        assert!(cache.get("/v1/products").is_none(), "a write empties it");
        cache.put("/v1/products".into(), entry(&cache, "[2]"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get("/v1/products").is_none(), "the ttl ends it");
    }

    /// Eight requests miss the same key at once; `fail` makes the one fetching it give up
    /// without storing an answer. Returns how many fetched and how long the last one took.
    #[test]
    fn answers_stored_together_expire_spread_over_the_last_quarter_of_the_ttl() {
        let ttl = Duration::from_secs(1);
        let cache = CatalogCache::new(ttl);
        let stored = Instant::now();
        let expiries: Vec<Instant> = (0..200).map(|_| cache.expiry()).collect();
        let (first, last) = (expiries.iter().min().unwrap(), expiries.iter().max().unwrap());
        assert!(*first >= stored + ttl.mul_f64(0.75), "none lives less than 3/4 of the ttl");
        assert!(*last <= Instant::now() + ttl, "none lives longer than the ttl");
        assert!(*last - *first > ttl / 8, "spread, not together: {:?}", *last - *first);
    }

    async fn race_for_one_key(fail: bool) -> (usize, Duration) {
        let cache = Arc::new(CatalogCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            requests.spawn(async move {
                if let Err(fetching) = cache.lookup("/v1/products").await {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if !fail {
                        cache.put("/v1/products".into(), entry(&cache, "[1]"));
                    }
                    drop(fetching);
                }
            });
        }
        while requests.join_next().await.is_some() {}
        (fetches.load(Ordering::SeqCst), started.elapsed())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_missed_answer_is_fetched_once_while_the_others_wait() {
        assert_eq!(race_for_one_key(false).await.0, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn when_the_fetch_fails_the_waiters_fetch_at_once() {
        let (fetches, took) = race_for_one_key(true).await;
        assert_eq!(fetches, 8, "each waiter fetched for itself");
        assert!(took < FOLLOW_WAIT, "woken by the failure, not by the timeout: {took:?}");
    }

    #[test]
    fn it_starts_over_instead_of_growing_past_its_budget() {
        let cache = CatalogCache::new(Duration::from_secs(60));
        let big = Bytes::from(vec![b'x'; MAX_BODY]);
        for n in 0..(MAX_BYTES / MAX_BODY + 2) {
            let e = Entry { body: big.clone(), ..entry(&cache, "") };
            cache.put(format!("/v1/products/{n}"), e);
        }
        let entries = cache.entries.lock().expect("lock");
        assert!(entries.bytes <= MAX_BYTES && entries.map.len() < MAX_BYTES / MAX_BODY, "{}", entries.bytes);
    }

    #[test]
    fn replacing_an_answer_keeps_the_byte_count_exact() {
        let cache = CatalogCache::new(Duration::from_secs(60));
        for body in ["[1]", "[22]", "[333]"] {
            cache.put("/v1/products".into(), entry(&cache, body));
        }
        let entries = cache.entries.lock().expect("lock");
        assert_eq!(entries.bytes, "/v1/products".len() + "[333]".len());
    }
}
