//! Roughly how many products are published: whether a search's window (`listing::window`) would
//! hold the whole catalog. Then the window reads every product to find the page, and sorting
//! only the matches is never the dearer way in.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

use super::store;
use crate::{db::Db, error::ApiError, time};

/// How long a count stands. Only its size against a window matters, so a stale count costs at
/// most a slower way in for a few seconds, never a wrong page.
const RECOUNT_AFTER_MS: i64 = 10_000;

/// Counting stops past this: no window is larger (fifty times a page of 100, plus one).
const COUNT_BOUND: i64 = 50 * 101 + 1;

/// Shared by the requests of one server ([`crate::state::Shared`]).
pub struct CatalogSize {
    published: AtomicI64,
    counted_at: AtomicI64,
}

impl Default for CatalogSize {
    fn default() -> Self {
        // Until the first count: large, which keeps the window (the way that bounds its cost).
        Self { published: AtomicI64::new(i64::MAX), counted_at: AtomicI64::new(i64::MIN) }
    }
}

impl CatalogSize {
    /// Published products, counted up to a bound, at most `RECOUNT_AFTER_MS` ago. One request
    /// recounts; the others meanwhile take the last count.
    pub async fn published(&self, db: &Db) -> Result<i64, ApiError> {
        let now = time::now_ms();
        let last = self.counted_at.load(Relaxed);
        if now.saturating_sub(last) < RECOUNT_AFTER_MS
            || self.counted_at.compare_exchange(last, now, Relaxed, Relaxed).is_err()
        {
            return Ok(self.published.load(Relaxed));
        }
        let count = store::count_published(db, COUNT_BOUND).await?;
        self.published.store(count, Relaxed);
        Ok(count)
    }
}
