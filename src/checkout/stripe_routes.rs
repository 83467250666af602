//! `POST /v1/webhooks/stripe`.

use axum::{
    extract::{Request, State},
    http::StatusCode,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::stripe_webhook::{WebhookOutcome, handle_event};
use crate::{
    error::{ApiError, Problem},
    payments::stripe::signature,
    state::AppState,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookReceipt {
    pub received: bool,
    /// True when this event id was handled before: nothing was done again.
    pub duplicate: bool,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stripe_webhook))
}

/// A Stripe event. The `Stripe-Signature` header must be an HMAC-SHA256 of `{t}.{body}` under
/// `OXCART_STRIPE_WEBHOOK_SECRET`, made within 300 s; otherwise `400 invalid_signature`. The
/// same event delivered twice changes nothing.
#[utoipa::path(post, path = "/v1/webhooks/stripe", tag = "payments",
    request_body(content = Object, description = "A Stripe event object, signed in `Stripe-Signature`"),
    params(("Stripe-Signature" = String, Header, description = "`t=…,v1=…`")),
    responses(
        (status = 200, body = WebhookReceipt),
        (status = 400, description = "`invalid_signature` or `malformed_json`", body = Problem, content_type = "application/problem+json"),
    ))]
async fn stripe_webhook(
    State(state): State<AppState>,
    request: Request,
) -> Result<axum::Json<WebhookReceipt>, ApiError> {
    // The signature covers the exact bytes, so the body is read raw, not parsed first.
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let body = axum::body::to_bytes(body, crate::http::MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::payload_too_large())?;
    let invalid = |message: &str| ApiError::new(StatusCode::BAD_REQUEST, "invalid_signature", message);
    let Some(secret) = &state.config.stripe.webhook_secret else {
        return Err(invalid("Stripe webhooks are not configured (OXCART_STRIPE_WEBHOOK_SECRET)."));
    };
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    signature::verify(header, &body, secret.expose(), crate::time::now_ms() / 1000)
        .map_err(|e| invalid(e.message()))?;
    let outcome = handle_event(&state.db, &state.payments, &body).await?;
    Ok(axum::Json(WebhookReceipt { received: true, duplicate: outcome == WebhookOutcome::Duplicate }))
}
