//! Roughly how many products are published: whether a search's window (`listing::window`) would
//! hold the whole catalog. Then the window reads every product to find the page, and sorting
//! only the matches is never the dearer way in.

use super::store;
use crate::{db::Db, error::ApiError, recent::RecentCount};

/// How long a count stands. Only its size against a window matters, so a stale count costs at
/// most a slower way in for a few seconds, never a wrong page.
const RECOUNT_AFTER_MS: i64 = 10_000;

/// Counting stops past this: no window is larger (fifty times a page of 100, plus one).
const COUNT_BOUND: i64 = 50 * 101 + 1;

/// The count this server's requests share ([`crate::state::Shared`]). Until the first count it
/// is large, which keeps the window (the way that bounds its cost).
pub fn catalog_size() -> RecentCount {
    RecentCount::new(i64::MAX)
}

/// Published products, counted up to a bound, at most `RECOUNT_AFTER_MS` ago.
pub async fn published(size: &RecentCount, db: &Db) -> Result<i64, ApiError> {
    Ok(size.get(RECOUNT_AFTER_MS, || store::count_published(db, COUNT_BOUND)).await?)
}
