//! `Idempotency-Key` on every POST, once, as middleware (API.md, conventions).
//!
//! The first request with a key claims it (`INSERT … ON CONFLICT DO NOTHING`), runs, and its
//! response (status, content type, body) is stored. For 24 hours a retry with the same key
//! and the same request gets those bytes back without the work being done again
//! (`Idempotent-Replayed: true`); the same key with another request is
//! `422 idempotency_key_reused`; the same key while the first still runs is
//! `409 idempotency_key_in_use`.
//!
//! Keys are scoped to the caller: the signed-in customer, else, on the routes that chose
//! [`Scope::CallerElseCart`], the cart in the path (a guest's cart id is its secret). A guest
//! request with neither (creating a cart, registering, signing in) is not kept at all: two
//! guests behind one address may well send the same key, and the second must never receive the
//! first's cart id or session. It runs as if it had no key.
//!
//! Nothing kept is usable without the key (`seal.rs`): the key is stored as a digest, the
//! request as an HMAC under it, the response sealed under it. Answers that are fresh
//! credentials (a login's or a registration's session token) are not kept even sealed: the
//! handler marks them [`DoNotKeep`], and a retry simply runs again. Server errors (5xx) and
//! 429s are not kept either: a retry does the work, which is safe because every write is
//! guarded on its own (checkout answers `cart_completed` rather than charging twice).
//!
//! A running request holds its claim under a lease it renews every few seconds; a claim whose
//! process died stops being renewed and is taken over by the next retry within
//! [`LEASE_MS`], never while its request still runs.

mod seal;
mod store;

use std::time::Duration;

use axum::{
    body::Body,
    extract::{FromRequestParts, RawPathParams, Request, State},
    http::{HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::auth::MaybeCaller;
use crate::{
    db::{self, Db},
    error::ApiError,
    time,
};

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a claim stays its request's without being renewed.
pub const LEASE_MS: i64 = 10_000;
/// How often a running request renews its claim.
const RENEW_EVERY: Duration = Duration::from_secs(3);

/// A response extension: this answer carries a new credential (a session token) and is not
/// kept, not even sealed; a retry runs the request again.
#[derive(Clone, Copy, Debug)]
pub struct DoNotKeep;

/// Whose keys a group of routes keeps, chosen where the routes are put together (`crate::api`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The signed-in customer's; a guest's request is not kept.
    Caller,
    /// The signed-in customer's, else the guest cart's named by the route's `{id}`.
    CallerElseCart,
}

/// The state of [`guard`]: where keys are kept, and under which scope.
#[derive(Clone)]
pub struct Keys {
    db: Db,
    scope: Scope,
}

impl Keys {
    pub fn new(db: Db, scope: Scope) -> Self {
        Self { db, scope }
    }
}

pub async fn guard(State(state): State<Keys>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(HEADER) else { return next.run(request).await };
    let Some(key) = value.to_str().ok().filter(|k| valid_key(k)).map(str::to_owned) else {
        return ApiError::field("Idempotency-Key", "must be 1–255 visible ASCII characters").into_response();
    };
    let (mut parts, body) = request.into_parts();
    let Some(scope) = scope_of(&mut parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let bytes = match axum::body::to_bytes(body, super::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return super::json::unread_body(&e).into_response(),
    };
    let path = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let request = Keyed {
        scope,
        key_digest: seal::key_digest(&key),
        fingerprint: seal::fingerprint(&key, parts.method.as_str(), path, &canonical(&bytes)),
        owner: crate::ids::new_token("idem"),
        key,
    };
    match claim(&state.db, &request).await {
        Ok(None) => {}
        Ok(Some(answer)) => return answer,
        Err(e) => return e.into_response(),
    }

    let renewing = tokio::spawn(renew_while_running(state.db.clone(), request.clone()));
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    renewing.abort();
    let (mut head, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        let _ = store::forget(&state.db, &request.scope, &request.key_digest, &request.owner).await;
        return ApiError::internal("a response body could not be read").into_response();
    };
    let status = head.status;
    let keep = !status.is_server_error()
        && status != StatusCode::TOO_MANY_REQUESTS
        && head.extensions.get::<DoNotKeep>().is_none();
    let sealed = keep.then(|| seal::seal(&request.key, &request.scope, &body)).flatten();
    let saved = match sealed {
        Some(sealed) => {
            let content_type = head.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            let done = store::Completion {
                status: i64::from(status.as_u16()),
                content_type,
                body: &sealed,
                now: time::now_ms(),
            };
            store::complete(&state.db, &request.scope, &request.key_digest, &request.owner, &done).await
        }
        None => store::forget(&state.db, &request.scope, &request.key_digest, &request.owner).await,
    };
    if let Err(e) = saved {
        // The work is done and answered; a retry will find the key claimed until its lease
        // runs out, and the work itself is guarded against repeats.
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    head.headers.remove(REPLAYED);
    Response::from_parts(head, Body::from(body))
}

/// One request's claim on its key.
#[derive(Clone)]
struct Keyed {
    scope: String,
    key: String,
    key_digest: String,
    fingerprint: String,
    /// Who holds the claim: this request, and no other, may renew, complete or drop it.
    owner: String,
}

impl Keyed {
    fn claim_at(&self, now: i64) -> store::NewClaim<'_> {
        store::NewClaim {
            scope: &self.scope,
            key_digest: &self.key_digest,
            fingerprint: &self.fingerprint,
            owner: &self.owner,
            now,
            locked_until: now + LEASE_MS,
        }
    }
}

/// Keeps the claim while the request runs. If renewing fails, the claim may be taken over once
/// its lease ends; the request's own writes are guarded, so a second run cannot repeat them.
async fn renew_while_running(db: Db, request: Keyed) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let until = time::now_ms() + LEASE_MS;
        match store::renew(&db, &request.scope, &request.key_digest, &request.owner, until).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::warn!(error = %e, "could not renew an idempotency claim"),
        }
    }
}

/// Longer than any cart id this server hands out; the scope column holds it whole.
const MAX_CART_ID: usize = 128;

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Whose key this is: the signed-in customer's, else the cart's in the path; `None` for a guest
/// request with no cart, which is not kept (see the module comment).
async fn scope_of(parts: &mut Parts, state: &Keys) -> Option<String> {
    if let Ok(MaybeCaller(Some(session))) = MaybeCaller::from_request_parts(parts, &state.db).await {
        return Some(format!("customer:{}", session.customer.id));
    }
    if state.scope != Scope::CallerElseCart {
        return None;
    }
    let params = RawPathParams::from_request_parts(parts, &state.db).await.ok()?;
    let cart = params.iter().find(|(name, _)| *name == "id").map(|(_, cart)| cart.to_owned());
    // No cart has an id this long: such a request finds no cart, and its key is not kept.
    cart.filter(|cart| (1..=MAX_CART_ID).contains(&cart.len())).map(|cart| format!("cart:{cart}"))
}

/// Claims the key for this request (`None`: run it), or the answer to give instead: a replay,
/// or why not.
async fn claim(db: &Db, request: &Keyed) -> Result<Option<Response>, ApiError> {
    // Twice at most: the second try follows the removal of an answer past its 24 hours.
    for _ in 0..2 {
        let now = time::now_ms();
        if store::claim(db, &request.claim_at(now)).await? {
            return Ok(None);
        }
        let Some(stored) = store::find(db, &request.scope, &request.key_digest).await? else {
            continue;
        };
        if stored.created_at < now - KEEP_MS && stored.status.is_some() {
            store::forget_expired(db, &request.scope, &request.key_digest, stored.created_at).await?;
            continue;
        }
        if stored.request_hash != request.fingerprint {
            return Ok(Some(
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used with a different request. Use a new key for a new request.",
                )
                .into_response(),
            ));
        }
        let Some(status) = stored.status else {
            // Its request stopped renewing the claim (its process died): this retry runs it.
            if stored.locked_until < now && store::take_over(db, &request.claim_at(now)).await? {
                return Ok(None);
            }
            return Ok(Some(in_use()));
        };
        let body = stored.body.as_deref().and_then(|sealed| seal::open(&request.key, &request.scope, sealed));
        let Some(body) = body else {
            return Err(ApiError::internal("a kept idempotent answer could not be opened"));
        };
        return Ok(Some(replay(status, stored.content_type.as_deref(), body)));
    }
    Ok(Some(in_use()))
}

fn in_use() -> Response {
    ApiError::conflict(
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still running. Retry when it has finished.",
    )
    .with_retry_after(1)
    .into_response()
}

/// "The same request" means the same JSON, not the same bytes: a body that is JSON is compared
/// with its object keys sorted and without insignificant white space, so a client that
/// re-serialises its retry differently is not told `idempotency_key_reused`. Anything else is
/// compared as it is.
fn canonical(body: &[u8]) -> Vec<u8> {
    fn write(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (key, value)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push(':');
                    write(value, out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => {
            let mut out = String::new();
            write(&value, &mut out);
            out.into_bytes()
        }
        Err(_) => body.to_vec(),
    }
}

fn replay(status: i64, content_type: Option<&str>, body: Vec<u8>) -> Response {
    let status =
        u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    match content_type.and_then(|c| HeaderValue::from_str(c).ok()) {
        Some(value) => headers.insert(header::CONTENT_TYPE, value),
        None => headers.remove(header::CONTENT_TYPE),
    };
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// Drops keys past their 24 hours (run by the background loop).
pub async fn sweep(db: &Db) -> Result<u64, db::Error> {
    store::delete_older_than(db, time::now_ms() - KEEP_MS).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_json_is_the_same_request() {
        let a = super::canonical(br#"{"b": [1, {"y": 2, "x": 1}], "a": "s"}"#);
        let b = super::canonical(br#"{"a":"s","b":[1,{"x":1,"y":2}]}"#);
        assert_eq!(a, b);
        assert_ne!(a, super::canonical(br#"{"a":"s","b":[{"x":1,"y":2},1]}"#), "order in arrays counts");
        assert_eq!(super::canonical(b"not json"), b"not json");
    }
}
