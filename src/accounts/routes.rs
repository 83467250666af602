//! Accounts over HTTP: `/v1/auth/*`, `/v1/me*` (the admin's view: `admin_routes`).

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Customer, NewSession, Registration, Role, StaffRole};
use crate::http::openapi::{Busy, RateLimited, Unauthorized, ValidationFailed};
use crate::{
    error::{ApiError, Problem},
    http::{
        auth::{self, Caller, session_cookie},
        csrf::NoBody,
        json::Json,
        rate_limit::{ClientIp, LimitKey},
    },
    state::AppState,
    validate::Validator,
};

/// A customer or admin as the API shows them. Never carries a password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    #[schema(example = "cus_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// An admin's staff role (what the admin API lets them do); absent for a customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_role: Option<StaffRole>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            email: c.email,
            name: c.name,
            role: c.role,
            staff_role: c.staff_role,
            created_at: crate::time::rfc3339(c.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; also set as an HttpOnly cookie.
    pub token: String,
    pub customer: CustomerView,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "ann@example.com")]
    pub email: String,
    /// 8–128 characters.
    pub password: String,
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    pub name: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(get_me, update_me))
}

/// The answer to a sign-in or sign-up: the session as a token and a cookie, and the device
/// remembered as the customer's (a new `oxcart_device` cookie when it was not known yet).
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    session: NewSession,
) -> Result<Response, ApiError> {
    let cookie = session_cookie(&session.token, state.config.session_ttl.as_secs(), &state.config);
    let presented = auth::cookie(headers, super::DEVICE_COOKIE);
    let new_device = super::remember_device(&state.db, &session.customer.id, presented).await?;
    let body = AuthResponse { token: session.token, customer: session.customer.into() };
    // A session token is a fresh credential: not kept for idempotent replays, not even sealed.
    let mut response = (status, [(header::SET_COOKIE, cookie)], axum::Json(body)).into_response();
    if let Some(device) = new_device {
        response.headers_mut().append(header::SET_COOKIE, auth::device_cookie(&device, &state.config));
    }
    response.extensions_mut().insert(crate::http::idempotency::DoNotKeep);
    Ok(response)
}

/// Create a customer account and sign in.
#[utoipa::path(post, path = "/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in", body = AuthResponse),
        (status = 400, description = "`malformed_json` or `validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = inline(RateLimited)),
        (status = 503, response = inline(Busy)),
    ))]
async fn register(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Json(body): Json<RegisterRequest>,
) -> Result<Response, ApiError> {
    // Checked first: only a well-formed email becomes a (bounded) rate-limit key.
    let input = Registration::parse(&body.email, &body.password, &body.name)?;
    let limits = &state.config.rate_limits;
    let email = LimitKey::new("register-email", &super::email_key(&input.email));
    let mut counted = vec![(email, limits.register_per_email)];
    counted.extend(ip.limit_key("register").map(|key| (key, limits.register_per_ip)));
    // Every registration counts, made or not: that is what stops a flood of new accounts.
    let _attempt = state.auth_limiter.admit(&counted)?;
    let session = super::register(&state.db, state.config.session_ttl, input).await?;
    signed_in(&state, &headers, StatusCode::CREATED, session).await
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 400, description = "`malformed_json` or `validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_credentials`: wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = inline(RateLimited)),
        (status = 503, response = inline(Busy)),
    ))]
async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Json(body): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let mut v = Validator::new();
    let email = v.check("email", super::parse_email(&body.email));
    v.check("password", if body.password.is_empty() { Err("is required".into()) } else { Ok(()) });
    v.finish()?;
    let email = super::email_key(&email.unwrap_or_default());
    let limits = &state.config.rate_limits;
    // Failures are counted per email and client together: one attacker is stopped on one
    // account without locking its owner out elsewhere. The per-email ceiling, ten times
    // higher, stops guessers spread over many addresses; the per-IP limit, one address trying
    // many accounts. A device that signed in to this account before counts on its own limit
    // instead of the pair and the ceiling, so no one can keep its owner out. The attempt is
    // counted before the password is checked, so parallel guesses all count, and given back
    // unless it turns out a wrong password.
    let device = auth::cookie(&headers, super::DEVICE_COOKIE);
    let known = match device {
        Some(token) => super::is_known_device(&state.db, token, &email).await?,
        None => false,
    };
    let pair = match device.filter(|_| known) {
        Some(token) => LimitKey::new("login-device", token),
        None => LimitKey::new("login-email-ip", &format!("{email} {}", ip.ip)),
    };
    let mut counted = vec![(pair, limits.login_failures_per_email_and_ip)];
    if !known {
        counted.push((LimitKey::new("login-email", &email), limits.login_failures_per_email));
    }
    counted.extend(ip.limit_key("login").map(|key| (key, limits.login_failures_per_ip)));
    let attempt = state.auth_limiter.admit(&counted)?;
    let result = super::login(&state.db, state.config.session_ttl, &email, &body.password).await;
    match &result {
        Ok(_) => attempt.refund_and_clear(pair),
        Err(e) if e.code() == "invalid_credentials" => drop(attempt),
        // Busy, or our own failure: not the caller's guess.
        Err(_) => attempt.refund(),
    }
    signed_in(&state, &headers, StatusCode::OK, result?).await
}

/// End this session: its token stops working at once.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "accounts", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, response = inline(Unauthorized)),
    ))]
async fn logout(
    State(state): State<AppState>,
    Caller(session): Caller,
    _: NoBody,
) -> Result<Response, ApiError> {
    super::logout(&state.db, &session.session_id).await?;
    let clear = session_cookie("", 0, &state.config);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// The signed-in customer's profile.
#[utoipa::path(get, path = "/v1/me", tag = "accounts", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CustomerView),
        (status = 401, response = inline(Unauthorized)),
    ))]
async fn get_me(Caller(session): Caller) -> axum::Json<CustomerView> {
    axum::Json(session.customer.into())
}

/// Change the signed-in customer's name.
#[utoipa::path(patch, path = "/v1/me", tag = "accounts", request_body = UpdateMeRequest, security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CustomerView),
        (status = 400, response = inline(ValidationFailed)),
        (status = 401, response = inline(Unauthorized)),
    ))]
async fn update_me(
    State(state): State<AppState>,
    Caller(session): Caller,
    Json(body): Json<UpdateMeRequest>,
) -> Result<axum::Json<CustomerView>, ApiError> {
    let Some(name) = body.name else {
        return Ok(axum::Json(session.customer.into()));
    };
    let mut v = Validator::new();
    let name = v.check("name", super::parse_name(&name));
    v.finish()?;
    let name = name.unwrap_or_default();
    Ok(axum::Json(super::rename(&state.db, &session.customer.id, &name).await?.into()))
}
