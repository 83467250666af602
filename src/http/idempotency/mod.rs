//! `Idempotency-Key` on every POST, once, as middleware (API.md, conventions).
//!
//! The first request with a key claims it (`INSERT … ON CONFLICT DO NOTHING`), runs, and its
//! response (status, content type, body) is stored. For 24 hours a retry with the same key
//! and the same request gets those bytes back without the work being done again
//! (`Idempotent-Replayed: true`); the same key with another request is
//! `422 idempotency_key_reused`; the same key while the first still runs is
//! `409 idempotency_key_in_use`.
//!
//! Keys are scoped to the caller: the signed-in customer, else the cart in the path (guest
//! checkout), else the client's IP. Server errors (5xx) and 429s are not stored: the key is
//! released so a retry does the work, which is safe because every write is guarded on its own
//! (checkout answers `cart_completed` rather than charging twice). A claim left by a crashed
//! process is taken over after 5 minutes.

mod store;

use axum::{
    body::Body,
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderValue, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::auth::MaybeCaller;
use crate::{app::AppState, db::Db, error::ApiError, time};

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
const STALE_CLAIM_MS: i64 = 5 * 60 * 1000;

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(value) = request.headers().get(HEADER) else { return next.run(request).await };
    let Some(key) = value.to_str().ok().filter(|k| valid_key(k)).map(str::to_owned) else {
        return ApiError::field("Idempotency-Key", "must be 1–255 visible ASCII characters").into_response();
    };
    let (mut parts, body) = request.into_parts();
    let scope = scope_of(&mut parts, &state).await;
    let bytes = match axum::body::to_bytes(body, super::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => return super::json::unread_body(&e).into_response(),
    };
    let request_hash = fingerprint(&parts, &bytes);
    let claimed_at = match claim(&state.db, &scope, &key, &request_hash).await {
        Ok(Claim::Mine(at)) => at,
        Ok(Claim::Answer(response)) => return response,
        Err(e) => return e.into_response(),
    };

    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (mut head, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        let _ = store::forget(state.db.pool(), &scope, &key, claimed_at).await;
        return ApiError::internal("a response body could not be read").into_response();
    };
    let status = head.status;
    let text = std::str::from_utf8(&body).ok();
    let keep = !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS;
    let content_type =
        head.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let saved = match (keep, text) {
        (true, Some(text)) => {
            let now = time::now_ms();
            store::complete(
                state.db.pool(),
                &scope,
                &key,
                i64::from(status.as_u16()),
                content_type.as_deref(),
                text,
                now,
            )
            .await
        }
        _ => store::forget(state.db.pool(), &scope, &key, claimed_at).await,
    };
    if let Err(e) = saved {
        // The work is done and answered; a retry will find the key still claimed until it
        // goes stale, and the work itself is guarded against repeats.
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    head.headers.remove(REPLAYED);
    Response::from_parts(head, Body::from(body))
}

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

async fn scope_of(parts: &mut Parts, state: &AppState) -> String {
    if let Ok(MaybeCaller(Some(session))) = MaybeCaller::from_request_parts(parts, state).await {
        return format!("customer:{}", session.customer.id);
    }
    if let Some(cart) = parts.uri.path().strip_prefix("/v1/carts/").and_then(|rest| rest.split('/').next())
        && !cart.is_empty()
    {
        return format!("cart:{cart}");
    }
    let ip = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
    format!("ip:{}", ip.unwrap_or_default())
}

/// What makes two requests "the same": method, path with query, and body bytes.
fn fingerprint(parts: &Parts, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update([0]);
    hash.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
    hash.update([0]);
    hash.update(body);
    crate::ids::hex(&hash.finalize())
}

enum Claim {
    /// This request owns the key (claimed at this time) and runs.
    Mine(i64),
    /// Answer this instead of running: a replay, or why not.
    Answer(Response),
}

async fn claim(db: &Db, scope: &str, key: &str, request_hash: &str) -> Result<Claim, ApiError> {
    // Twice at most: the second try follows the removal of an expired or abandoned claim.
    for _ in 0..2 {
        let now = time::now_ms();
        if store::claim(db.pool(), scope, key, request_hash, now).await? {
            return Ok(Claim::Mine(now));
        }
        let Some(stored) = store::find(db.pool(), scope, key).await? else { continue };
        let abandoned = stored.status.is_none() && stored.created_at < now - STALE_CLAIM_MS;
        if stored.created_at < now - KEEP_MS || abandoned {
            store::forget(db.pool(), scope, key, stored.created_at).await?;
            continue;
        }
        if stored.request_hash != request_hash {
            return Ok(Claim::Answer(
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used with a different request. Use a new key for a new request.",
                )
                .into_response(),
            ));
        }
        let Some(status) = stored.status else {
            return Ok(Claim::Answer(
                ApiError::conflict(
                    "idempotency_key_in_use",
                    "A request with this Idempotency-Key is still running. Retry when it has finished.",
                )
                .into_response(),
            ));
        };
        return Ok(Claim::Answer(replay(
            status,
            stored.content_type.as_deref(),
            stored.body.unwrap_or_default(),
        )));
    }
    Err(ApiError::conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still running."))
}

fn replay(status: i64, content_type: Option<&str>, body: String) -> Response {
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
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    store::delete_older_than(db.pool(), time::now_ms() - KEEP_MS).await
}
