//! A short-lived, per-process cache of the shoppers' catalog answers (`GET /v1/products…`,
//! `GET /v1/categories…`). Browsing is most of a store's traffic, and a list page is several
//! queries; served from memory it costs a hash lookup.
//!
//! Why it cannot serve anything wrong for long: an answer is kept at most
//! `OXCART_CATALOG_CACHE_MS` (1 s by default), and every write through this process that can
//! change what shoppers see (admin changes, checkouts, payment webhooks, the reconciler)
//! empties it at once. A write through another process shows within the TTL. Nothing that
//! decides money or stock reads it: carts and checkout always read the database.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{app::AppState, error::ApiError};

/// Past this many bytes of bodies, the cache starts over rather than grow.
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// A body larger than this is not worth keeping.
const MAX_BODY: usize = 512 * 1024;

pub struct CatalogCache {
    ttl: Duration,
    version: AtomicU64,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

#[derive(Clone)]
struct Entry {
    version: u64,
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl CatalogCache {
    /// A zero `ttl` turns the cache off.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, version: AtomicU64::new(0), entries: Mutex::new(Entries::default()) }
    }

    /// Forgets every answer: something shoppers can see has changed.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &str) -> Option<Entry> {
        let version = self.version.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.map.get(key).filter(|e| e.version == version && e.stored.elapsed() < self.ttl).cloned()
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

/// Middleware for the shoppers' catalog routes: answers a GET from the cache, or runs it and
/// keeps a 200.
pub async fn serve_from_cache(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &state.catalog_cache;
    if cache.ttl.is_zero() || request.method() != Method::GET {
        return next.run(request).await;
    }
    let key =
        request.uri().path_and_query().map_or_else(|| request.uri().path(), |pq| pq.as_str()).to_owned();
    if let Some(hit) = cache.get(&key) {
        return (StatusCode::OK, hit.headers, Body::from(hit.body)).into_response();
    }
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
    let entry = Entry { version, stored: Instant::now(), headers: parts.headers.clone(), body: body.clone() };
    cache.put(key, entry);
    Response::from_parts(parts, Body::from(body))
}

/// Middleware for every route: after a request that may have changed what shoppers see,
/// empties the catalog cache. Any admin write, any checkout (it holds and then sells or
/// releases stock) and any payment webhook (it settles orders).
pub async fn invalidate_after_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let changes_catalog = request.method() != Method::GET
        && request.method() != Method::HEAD
        && (path.starts_with("/v1/admin/")
            || path.ends_with("/checkout")
            || path.starts_with("/v1/webhooks/"));
    let response = next.run(request).await;
    if changes_catalog {
        state.catalog_cache.invalidate();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cache: &CatalogCache, body: &'static str) -> Entry {
        Entry {
            version: cache.version.load(Ordering::Acquire),
            stored: Instant::now(),
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
