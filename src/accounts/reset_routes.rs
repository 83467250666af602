//! Password reset over HTTP: `/v1/auth/password-reset` and `/v1/auth/password-reset/confirm`.

use axum::{extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::http::openapi::{Busy, RateLimited, ValidationFailed};
use crate::{
    error::{ApiError, Problem},
    http::{
        json::Json,
        rate_limit::{ClientIp, LimitKey},
    },
    state::AppState,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(example = "ann@example.com")]
    pub email: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmation {
    /// From the reset email.
    pub token: String,
    /// 8–128 characters.
    pub password: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(request_reset)).routes(routes!(confirm_reset))
}

/// Ask for a password reset email. The answer is `202` whether or not an account has this
/// email, and takes the same time, so it reveals nothing. The email carries a single-use
/// token valid for one hour.
#[utoipa::path(post, path = "/v1/auth/password-reset", tag = "accounts", request_body = ResetRequest,
    responses(
        (status = 202, description = "Accepted"),
        (status = 400, response = inline(ValidationFailed)),
        (status = 429, response = inline(RateLimited)),
    ))]
async fn request_reset(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    let email = super::parse_email(&body.email).map_err(|m| ApiError::field("email", m))?;
    let limits = &state.config.rate_limits;
    let mut counted = vec![(
        LimitKey::new("password-reset-email", &super::email_key(&email)),
        limits.password_reset_per_email,
    )];
    counted.extend(ip.limit_key("password-reset").map(|key| (key, limits.password_reset_per_ip)));
    let _attempt = state.auth_limiter.admit(&counted)?;
    super::request_password_reset(&state.db, &email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the emailed token. Every session of the account ends, and the
/// token (and any other reset token of the account) stops working.
#[utoipa::path(post, path = "/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirmation,
    responses(
        (status = 204, description = "Password changed; every session signed out"),
        (status = 400, description = "`validation_failed`: bad password, or a token that is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = inline(Busy)),
    ))]
async fn confirm_reset(
    State(state): State<AppState>,
    ip: ClientIp,
    Json(body): Json<ResetConfirmation>,
) -> Result<StatusCode, ApiError> {
    let per_ip =
        ip.limit_key("password-reset").map(|key| (key, state.config.rate_limits.password_reset_per_ip));
    let _attempt = state.auth_limiter.admit(&Vec::from_iter(per_ip))?;
    super::confirm_password_reset(&state.db, &body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
