//! Who is calling. Handlers take [`Caller`], [`MaybeCaller`] or [`AdminCaller`] as arguments,
//! so authentication cannot be forgotten; the admin router also requires [`AdminCaller`] as a
//! layer, so a new admin route is protected even before its handler asks.

use axum::{
    extract::{FromRef, FromRequestParts, MatchedPath},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
};

use crate::{
    accounts::{self, AuthSession, Role},
    config::Config,
    db::Db,
    error::ApiError,
    staff,
};

pub const SESSION_COOKIE: &str = "oxcart_session";

/// A signed-in customer or admin.
#[derive(Debug, Clone)]
pub struct Caller(pub AuthSession);

/// Signed in or a guest.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<AuthSession>);

/// A signed-in admin whose staff role may call the route: 401 without a session, 403 for a
/// customer or a role the route is not for (`staff::allows`).
#[derive(Debug, Clone)]
pub struct AdminCaller(pub AuthSession);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller
where
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Some(cached) = parts.extensions.get::<MaybeCaller>() {
            return Ok(cached.clone());
        }
        let session = match token_of(&parts.headers)? {
            Some(token) => Some(
                accounts::authenticate(&Db::from_ref(state), &token)
                    .await?
                    .ok_or_else(ApiError::unauthorized)?,
            ),
            None => None,
        };
        let caller = MaybeCaller(session);
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller
where
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let MaybeCaller(session) = MaybeCaller::from_request_parts(parts, state).await?;
        session.map(Caller).ok_or_else(ApiError::unauthorized)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AdminCaller
where
    Db: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Caller(session) = Caller::from_request_parts(parts, state).await?;
        let Some(staff_role) = session.customer.staff_role.filter(|_| session.customer.role == Role::Admin)
        else {
            return Err(ApiError::forbidden());
        };
        // The route as routed (`/v1/admin/orders/{id}`), so the table names routes, not URLs.
        let route = parts.extensions.get::<MatchedPath>().map_or("", MatchedPath::as_str);
        if !staff::allows(staff_role, parts.method.as_str(), route) {
            let detail = format!("Your staff role ({}) cannot do this.", staff_role.as_str());
            return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
                .with_extension("staff_role", staff_role.as_str()));
        }
        Ok(AdminCaller(session))
    }
}

/// The bearer token, else the session cookie. A malformed `Authorization` header is a 401,
/// not a silent fallback to the cookie.
fn token_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let text = value.to_str().map_err(|_| ApiError::unauthorized())?;
        let (scheme, token) = text.split_once(' ').ok_or_else(ApiError::unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::unauthorized());
        }
        return Ok(Some(token.trim().to_owned()));
    }
    Ok(cookie(headers, SESSION_COOKIE).map(str::to_owned))
}

/// The value of the cookie called `name`, if the request has a non-empty one.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, value)| *cookie == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// `Set-Cookie` for a known-device token (see `accounts::devices`): a year, sent only to
/// `/v1/auth`, where sign-in reads it.
pub fn device_cookie(token: &str, config: &Config) -> HeaderValue {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    let same_site = config.cookie_same_site.as_str();
    let cookie = format!(
        "{}={token}; HttpOnly; SameSite={same_site}; Path=/v1/auth; Max-Age=31536000{secure}",
        accounts::DEVICE_COOKIE
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session (`max_age_secs > 0`) or for clearing it (`0`).
/// `SameSite` and `Secure` follow the configuration (`OXCART_COOKIE_SAME_SITE`,
/// `OXCART_COOKIE_SECURE`).
pub fn session_cookie(token: &str, max_age_secs: u64, config: &Config) -> HeaderValue {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    let same_site = config.cookie_same_site.as_str();
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite={same_site}; Path=/; Max-Age={max_age_secs}{secure}"
    );
    // Tokens are base64url, so the value is always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.clone(), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn bearer_wins_over_cookie() {
        let h = headers(&[(header::AUTHORIZATION, "Bearer abc"), (header::COOKIE, "oxcart_session=def")]);
        assert_eq!(token_of(&h).expect("ok").as_deref(), Some("abc"));
    }

    #[test]
    fn cookie_is_found_among_others() {
        let h = headers(&[(header::COOKIE, "theme=dark; oxcart_session=def; x=1")]);
        assert_eq!(token_of(&h).expect("ok").as_deref(), Some("def"));
        assert_eq!(token_of(&HeaderMap::new()).expect("ok"), None);
    }

    #[test]
    fn malformed_authorization_is_rejected() {
        for bad in ["Basic abc", "Bearer", "Bearer  ", "abc"] {
            let h = headers(&[(header::AUTHORIZATION, bad)]);
            assert!(token_of(&h).is_err(), "{bad}");
        }
    }
}
