//! `Json<T>`: the request-body extractor every handler uses, so that each way a body can be
//! wrong gets the API's problem+json answer (415, 413, `malformed_json`, `validation_failed`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header},
};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

pub struct Json<T>(pub T);

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>` field of a
/// change: a field that is there, even as `null` (`Some(None)`: clear it), as opposed to left out
/// (`None`: keep it).
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    /// An empty body means `{}`, with or without a JSON content type: where every field is
    /// optional that is a complete request, and elsewhere the missing fields are named. A body
    /// that is there must be JSON (`415` otherwise).
    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(request.headers().get(header::CONTENT_TYPE));
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                unread_body(&rejection)
            }
        })?;
        if bytes.is_empty() {
            return parse(b"{}").map(Json);
        }
        if !json {
            return Err(ApiError::unsupported_media_type());
        }
        parse(&bytes).map(Json)
    }
}

/// `Option<Json<T>>`: for a POST whose body may be left out altogether (no body and no
/// content type is `None`); a body that is there must be JSON like any other.
impl<S: Send + Sync, T: DeserializeOwned> axum::extract::OptionalFromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, ApiError> {
        let empty = request.headers().get(header::CONTENT_TYPE).is_none()
            && request
                .headers()
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length.to_str().is_ok_and(|l| l.trim() == "0"));
        if empty {
            return Ok(None);
        }
        <Self as FromRequest<S>>::from_request(request, state).await.map(Some)
    }
}

/// Why a body could not be read: it is over the size limit (`413`), it stopped arriving before
/// the body deadline (`408`), or the client broke it off.
pub fn unread_body(error: &(dyn std::error::Error + 'static)) -> ApiError {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::request_timeout();
        }
        if e.is::<http_body_util::LengthLimitError>() {
            return ApiError::payload_too_large();
        }
        cause = e.source();
    }
    ApiError::malformed_json("The request body could not be read.")
}

pub fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(essence) = media_type(content_type) else {
        return false;
    };
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A `Content-Type`'s media type, lower-cased and without its parameters
/// (`Image/PNG; q=1` is `image/png`).
pub fn media_type(content_type: Option<&header::HeaderValue>) -> Option<String> {
    let value = content_type?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::validation(vec![field_error(&path, &inner)]),
            _ => ApiError::malformed_json(format!("The body is not valid JSON: {inner}")),
        }
    })?;
    deserializer.end().map_err(|e| ApiError::malformed_json(format!("The body is not valid JSON: {e}")))?;
    Ok(value)
}

/// Names the field the way a client wrote it: serde reports missing and unknown fields at the
/// parent's path, with the name inside backticks.
fn field_error(path: &str, err: &serde_json::Error) -> FieldError {
    let message = err.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    let parent = if path == "." { "" } else { path };
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let field = match named {
        // For unknown fields the path already ends with the name.
        Some(name) if parent.is_empty() || parent.ends_with(name) && message.starts_with("unknown") => {
            if parent.is_empty() {
                name.to_owned()
            } else {
                parent.to_owned()
            }
        }
        Some(name) => format!("{parent}.{name}"),
        None if parent.is_empty() => "body".to_owned(),
        None => parent.to_owned(),
    };
    let message = if message.starts_with("unknown field") {
        "is not a field this endpoint accepts".to_owned()
    } else if message.starts_with("missing field") {
        "is required".to_owned()
    } else {
        message
    };
    FieldError { field, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        quantity: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        items: Vec<Line>,
    }

    fn error_of(json: &str) -> ApiError {
        parse::<Body>(json.as_bytes()).expect_err("should fail")
    }

    #[test]
    fn names_nested_fields_by_path() {
        let e = error_of(r#"{"email":"a","items":[{"quantity":"x"}]}"#);
        assert_eq!(e.code(), "validation_failed");
        assert_eq!(e.errors()[0].field, "items[0].quantity");
    }

    #[test]
    fn names_unknown_and_missing_fields() {
        assert_eq!(error_of(r#"{"email":"a","items":[],"role":"admin"}"#).errors()[0].field, "role");
        assert_eq!(error_of(r#"{"items":[]}"#).errors()[0].field, "email");
    }

    #[test]
    fn syntax_errors_are_malformed() {
        assert_eq!(error_of(r#"{"email": "#).code(), "malformed_json");
        assert_eq!(error_of(r#"{"email":"a","items":[]} trailing"#).code(), "malformed_json");
    }

    #[test]
    fn accepts_json_content_types_only() {
        let v = |s: &'static str| Some(header::HeaderValue::from_static(s));
        assert!(is_json(v("application/json; charset=utf-8").as_ref()));
        assert!(is_json(v("application/merge-patch+json").as_ref()));
        assert!(!is_json(v("text/plain").as_ref()));
        assert!(!is_json(None));
    }
}
