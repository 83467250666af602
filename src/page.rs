//! Pages of a list, as every paginated endpoint and every store that serves one sees them:
//! which page is asked for (`PageRequest`), where the next one starts (`Cursor`), and what is
//! answered (`{data, next_cursor}`). No HTTP here: stores take a `PageRequest` from whoever
//! calls them.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Serialize;
use utoipa::ToSchema;

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
    fn page_knows_whether_more_follow() {
        let page = Page::from_rows(vec![3, 2, 1], 2, |n| Cursor { at: *n, id: n.to_string() });
        assert_eq!(page.data, vec![3, 2]);
        assert_eq!(Cursor::decode(&page.next_cursor.expect("more")).map(|c| c.at), Some(2));
        let last = Page::from_rows(vec![1], 2, |n| Cursor { at: *n, id: String::new() });
        assert!(last.next_cursor.is_none());
    }
}
