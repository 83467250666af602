//! The one error type handlers return, rendered as RFC 9457 `application/problem+json`.
//!
//! `code` is the stable, machine-readable part (see API.md). A 5xx never carries internals:
//! the cause is logged with the request id, and the body carries only that id.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id;

/// One invalid input, named by its path in the request (`items[0].quantity`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Members particular to a code, such as `order_id` on `cart_completed`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after_secs: Option<u64>,
    // Boxed: rare, and it keeps every `Result<_, ApiError>` small.
    extensions: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    /// Logged, never sent.
    cause: Option<String>,
    /// The database aborted the transaction for reasons of concurrency: running it again may
    /// succeed (`db::Db::transaction` does).
    transient: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
            extensions: None,
            cause: None,
            transient: false,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e =
            Self::new(StatusCode::BAD_REQUEST, "validation_failed", "The request has invalid fields.");
        e.errors = errors;
        e
    }

    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError { field: field.into(), message: message.into() }])
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in to do this: send a session token or cookie.",
        )
    }

    pub fn invalid_credentials() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "The email or password is wrong.")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Your account is not allowed to do this.")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "No such resource.")
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many attempts. Wait before trying again.",
        );
        e.retry_after_secs = Some(retry_after_secs.max(1));
        e
    }

    /// `503 busy`: the server is at its limit for work of this kind (password hashing) and
    /// answers at once rather than queue without bound. Retry shortly.
    pub fn busy() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Too many passwords are being checked right now. Retry in a moment.",
        );
        e.retry_after_secs = Some(1);
        e
    }

    /// `503 tax_unavailable`: the region's tax provider did not answer, so no order is placed
    /// (never one charged without its tax). Nothing was charged; retry shortly.
    pub fn tax_unavailable() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "tax_unavailable",
            "The tax for this order cannot be computed right now. Nothing was charged; try again in a moment.",
        );
        e.retry_after_secs = Some(5);
        e
    }

    /// `408 request_timeout`: the body did not arrive within `OXCART_BODY_TIMEOUT_SECS`.
    pub fn request_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The request body did not arrive in time. Nothing was done; send it again.",
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is larger than 1 MiB.",
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the request body as application/json.",
        )
    }

    /// `422`: the request is well formed but cannot be done as asked (a promotion code that does
    /// not apply); `code` says why.
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// `402 payment_declined`: the provider refused the payment; nothing was taken.
    pub fn payment_declined(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYMENT_REQUIRED, "payment_declined", detail)
    }

    /// `502 payment_provider_error`: the provider failed or did not answer.
    pub fn payment_provider_error(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "payment_provider_error", detail)
    }

    /// A bug or an outage: the cause goes to the log only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side. Quote the request id when reporting it.",
        );
        e.cause = Some(cause.to_string());
        e
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Names what is wrong, field by field, on an error that is not a validation failure
    /// (`out_of_stock` names each short line).
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// `Retry-After`, in seconds, on any answer (`409 idempotency_key_in_use` has one).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    /// Adds a member to the problem body (`"order_id": "ord_…"`).
    pub fn with_extension(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        const STANDARD: [&str; 7] = ["type", "title", "status", "detail", "code", "errors", "request_id"];
        debug_assert!(!STANDARD.contains(&key), "extension `{key}` would hide a standard problem member");
        self.extensions.get_or_insert_default().insert(key.to_owned(), value.into());
        self
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

impl From<crate::db::Error> for ApiError {
    fn from(e: crate::db::Error) -> Self {
        let mut error = Self::internal(format_args!("database: {e}"));
        error.transient = crate::db::is_transient(&e);
        error
    }
}

impl crate::db::Transient for ApiError {
    fn is_transient(&self) -> bool {
        self.transient
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::internal(format_args!("blocking task: {e}"))
    }
}

/// `400 validation_failed: The request has invalid fields. (password: must be 8 to 128
/// characters)`: the CLI prints this, so it names every field and its rule.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)?;
        if !self.errors.is_empty() {
            let fields: Vec<String> =
                self.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            write!(f, " ({})", fields.join("; "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

pub fn title_for(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = if self.status.is_server_error() {
            let id = request_id::current();
            tracing::error!(
                code = self.code,
                request_id = id.as_deref().unwrap_or("-"),
                cause = self.cause.as_deref().unwrap_or("-"),
                "request failed"
            );
            id
        } else {
            None
        };
        let problem = Problem {
            kind: format!("urn:oxcart:problem:{}", self.code),
            title: title_for(self.status),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code,
            errors: self.errors,
            request_id,
            extensions: self.extensions.map(|e| *e).unwrap_or_default(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
