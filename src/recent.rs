//! Values that are dear to read and only need to be recent, not read afresh each time. A leaf:
//! it knows nothing of what it holds.
//!
//! - [`RecentCount`]: a number only needed roughly (how many products are published): counted
//!   again when the last count has aged, by one caller while the others take the last count.
//! - [`RecentValue`]: a value that changes rarely and must not be served once known to have
//!   changed (the shop's regions): loaded again when it has aged or been declared stale.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, AtomicU64, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed},
    },
    time::{Duration, Instant},
};

use crate::time;

pub struct RecentCount {
    value: AtomicI64,
    counted_at: AtomicI64,
}

impl RecentCount {
    /// `initial` stands until the first count.
    pub const fn new(initial: i64) -> Self {
        Self { value: AtomicI64::new(initial), counted_at: AtomicI64::new(i64::MIN) }
    }

    /// The count, taken again with `count` when the last one is older than `max_age_ms`. One
    /// caller recounts; the others meanwhile take the last count. A failed count is returned
    /// to its caller, and the next caller after `max_age_ms` tries again.
    pub async fn get<E, F>(&self, max_age_ms: i64, count: impl FnOnce() -> F) -> Result<i64, E>
    where
        F: Future<Output = Result<i64, E>>,
    {
        let now = time::now_ms();
        let last = self.counted_at.load(Relaxed);
        if now.saturating_sub(last) < max_age_ms
            || self.counted_at.compare_exchange(last, now, Relaxed, Relaxed).is_err()
        {
            return Ok(self.value.load(Relaxed));
        }
        let value = count().await?;
        self.value.store(value, Relaxed);
        Ok(value)
    }
}

/// A value kept at most `ttl` and dropped at once by [`RecentValue::forget`]. Every caller that
/// finds it aged or forgotten loads it (they are rare: once per `ttl`, and after a change); a
/// load that began before a `forget` is returned to its caller but not kept, so a value read
/// before a change is never served after the change was announced. A zero `ttl` keeps nothing.
pub struct RecentValue<T> {
    ttl: Duration,
    generation: AtomicU64,
    kept: Mutex<Option<Kept<T>>>,
}

struct Kept<T> {
    loaded_at: Instant,
    generation: u64,
    value: Arc<T>,
}

impl<T> RecentValue<T> {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, generation: AtomicU64::new(0), kept: Mutex::new(None) }
    }

    /// The value has changed: the next caller loads it.
    pub fn forget(&self) {
        self.generation.fetch_add(1, AcqRel);
    }

    /// The kept value if it is recent and not forgotten, else what `load` gives (kept when no
    /// `forget` came during the load).
    pub async fn get<E, F>(&self, load: impl FnOnce() -> F) -> Result<Arc<T>, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let generation = self.generation.load(Acquire);
        let started = Instant::now();
        if let Some(kept) = self.kept().as_ref()
            && kept.generation == generation
            && started.duration_since(kept.loaded_at) < self.ttl
        {
            return Ok(Arc::clone(&kept.value));
        }
        let value = Arc::new(load().await?);
        if !self.ttl.is_zero() {
            let mut kept = self.kept();
            let newer = kept.as_ref().is_none_or(|k| k.generation != generation || k.loaded_at < started);
            if self.generation.load(Acquire) == generation && newer {
                *kept = Some(Kept { loaded_at: started, generation, value: Arc::clone(&value) });
            }
        }
        Ok(value)
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Option<Kept<T>>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_once_per_age_and_keeps_the_last_count_meanwhile() {
        let recent = RecentCount::new(-1);
        let counted = std::sync::atomic::AtomicI64::new(0);
        let count = || async { Ok::<_, ()>(counted.fetch_add(1, Relaxed) + 10) };
        assert_eq!(recent.get(60_000, count).await, Ok(10), "the first call counts");
        assert_eq!(recent.get(60_000, count).await, Ok(10), "a fresh count stands");
        assert_eq!(recent.get(0, count).await, Ok(11), "an aged one is taken again");
        assert_eq!(counted.load(Relaxed), 2);
    }

    #[tokio::test]
    async fn keeps_a_value_until_it_ages_or_is_forgotten() {
        let recent = RecentValue::new(Duration::from_secs(60));
        let loads = AtomicI64::new(0);
        let load = || async { Ok::<_, ()>(loads.fetch_add(1, Relaxed)) };
        assert_eq!(*recent.get(load).await.unwrap(), 0, "the first call loads");
        assert_eq!(*recent.get(load).await.unwrap(), 0, "a recent value stands");
        recent.forget();
        assert_eq!(*recent.get(load).await.unwrap(), 1, "a forgotten one is loaded again");
        assert_eq!(*recent.get(load).await.unwrap(), 1);

        let off = RecentValue::new(Duration::ZERO);
        assert_eq!(*off.get(load).await.unwrap(), 2);
        assert_eq!(*off.get(load).await.unwrap(), 3, "a zero TTL keeps nothing");
    }

    #[tokio::test]
    async fn a_load_overtaken_by_a_change_is_not_kept() {
        let recent = RecentValue::new(Duration::from_secs(60));
        let stale = recent
            .get(|| async {
                recent.forget(); // the change lands while the old value is being read
                Ok::<_, ()>("old")
            })
            .await
            .unwrap();
        assert_eq!(*stale, "old", "its caller gets what it read");
        let fresh = recent.get(|| async { Ok::<_, ()>("new") }).await.unwrap();
        assert_eq!(*fresh, "new", "the next caller does not get the old value");
    }
}
