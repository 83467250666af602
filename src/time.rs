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

/// An RFC 3339 time with its offset (`2026-11-24T09:30:00Z`, `…+01:00`), in milliseconds.
pub fn parse_rfc3339(text: &str) -> Result<i64, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| "must be an RFC 3339 time with its offset, like 2026-11-24T09:30:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_with_z() {
        assert_eq!(super::rfc3339(1_795_512_600_000), "2026-11-24T09:30:00Z");
    }

    #[test]
    fn parses_a_time_with_its_offset() {
        assert_eq!(super::parse_rfc3339("2026-11-24T10:30:00+01:00"), Ok(1_795_512_600_000));
        assert!(super::parse_rfc3339("2026-11-24 10:30").is_err());
        assert!(super::parse_rfc3339("2026-11-24T10:30:00").is_err(), "no offset: ambiguous");
    }
}
