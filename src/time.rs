//! Time as the database stores it: integer milliseconds since the Unix epoch, in UTC.
//!
//! One numeric format on every engine avoids SQLite's text-comparison traps; the API shows
//! RFC 3339 strings.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// `2026-11-24T09:30:00Z`
pub fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_with_z() {
        assert_eq!(super::rfc3339(1_795_512_600_000), "2026-11-24T09:30:00Z");
    }
}
