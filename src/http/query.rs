//! `Query<T>`: query-string extraction with problem+json errors, and `?limit=&cursor=` as every
//! paginated endpoint takes them (the pages themselves are `crate::page`).

use axum::{extract::FromRequestParts, http::request::Parts};
use serde::{Deserialize, de::DeserializeOwned};
use utoipa::IntoParams;

use crate::{
    error::ApiError,
    page::{Cursor, PageRequest},
};

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri).map(|q| Query(q.0)).map_err(|rejection| {
            // The text reads "Failed to deserialize query string: limit: invalid digit …".
            let text = rejection.body_text();
            let detail = text.split_once(": ").map_or(text.as_str(), |(_, d)| d);
            let field = detail.split(':').next().unwrap_or_default().trim();
            let field = if field.is_empty() || field.contains(' ') { "query" } else { field };
            ApiError::field(field, detail)
        })
    }
}

/// `?limit=&cursor=` as every list endpoint takes them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

impl ListParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::field("limit", "must be between 1 and 100"));
        }
        let after = match &self.cursor {
            None => None,
            Some(text) => Some(
                Cursor::decode(text)
                    .ok_or_else(|| ApiError::field("cursor", "is not a cursor this API issued"))?,
            ),
        };
        Ok(PageRequest { limit, after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_out_of_range_is_a_validation_error() {
        let p = ListParams { limit: Some(0), cursor: None };
        assert_eq!(p.page().expect_err("0").code(), "validation_failed");
        let p = ListParams { limit: Some(101), cursor: None };
        assert!(p.page().is_err());
    }
}
