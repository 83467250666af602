//! `Query<T>`: query-string extraction with problem+json errors, and the list conventions
//! shared by every paginated endpoint (`limit`, `cursor`, `{data, next_cursor}`).

use axum::{extract::FromRequestParts, http::request::Parts};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

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

/// A position in a list ordered by (time, id), newest first. Stable under inserts because
/// both parts are immutable and the pair is unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.at, self.id))
    }

    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (at, id) = text.split_once('|')?;
        Some(Self { at: at.parse().ok()?, id: id.to_owned() })
    }
}

#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Cursor>,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item converted (domain value → API view).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { data: self.data.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }

    /// `rows` was fetched with `LIMIT limit + 1`: the extra row only says another page exists.
    pub fn from_rows(rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        Self::from_rows_encoded(rows, limit, |last| cursor_of(last).encode())
    }

    /// [`Page::from_rows`] for lists whose cursor is not a (time, id) pair.
    pub fn from_rows_encoded(mut rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Self {
        let next_cursor = if take_page(&mut rows, limit) { rows.last().map(cursor_of) } else { None };
        Self { data: rows, next_cursor }
    }
}

/// Cuts rows fetched with `LIMIT limit + 1` down to the page; true when another page follows.
pub fn take_page<T>(rows: &mut Vec<T>, limit: i64) -> bool {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    has_more
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { at: 1_700_000_000_000, id: "cus_x|y".into() };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not a cursor"), None);
    }

    #[test]
    fn limit_out_of_range_is_a_validation_error() {
        let p = ListParams { limit: Some(0), cursor: None };
        assert_eq!(p.page().expect_err("0").code(), "validation_failed");
        let p = ListParams { limit: Some(101), cursor: None };
        assert!(p.page().is_err());
    }

    #[test]
    fn page_knows_whether_more_follow() {
        let page = Page::from_rows(vec![3, 2, 1], 2, |n| Cursor { at: *n, id: n.to_string() });
        assert_eq!(page.data, vec![3, 2]);
        assert_eq!(Cursor::decode(&page.next_cursor.expect("more")).map(|c| c.at), Some(2));
        let last = Page::from_rows(vec![1], 2, |n| Cursor { at: *n, id: String::new() });
        assert!(last.next_cursor.is_none());
    }
}
