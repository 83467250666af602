//! A number that is dear to count exactly and only needs to be roughly current (how many
//! products are published, say): counted again when the last count has aged, by one caller
//! while the others take the last count. A leaf: it knows nothing of what it counts.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

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
}
