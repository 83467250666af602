//! Checking `Stripe-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">` (there
//! may be several `v1` entries while a secret is being rolled). Events older or newer than the
//! tolerance are refused, so a captured event cannot be replayed later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    Stale,
    Mismatch,
}

impl SignatureError {
    pub fn message(&self) -> &'static str {
        match self {
            Self::Missing => "the Stripe-Signature header is missing",
            Self::Malformed => "the Stripe-Signature header is malformed",
            Self::Stale => "the event's timestamp is outside the 300 s tolerance",
            Self::Mismatch => "no signature matches the webhook secret",
        }
    }
}

pub fn verify(header: Option<&str>, body: &[u8], secret: &str, now_secs: i64) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now_secs.abs_diff(timestamp) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = sign(secret, timestamp, body);
    // Constant time: the comparison must not tell an attacker how much of a guess was right.
    let matches = signatures.iter().any(|s| crate::ids::constant_time_eq(s.as_bytes(), expected.as_bytes()));
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

/// The `v1` signature Stripe computes (also used by the tests to sign events).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    crate::ids::hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked() {
        let body = br#"{"id":"evt_1"}"#;
        let now = 1_700_000_000;
        let good = format!("t={now},v1={}", sign("whsec_test", now, body));
        assert_eq!(verify(Some(&good), body, "whsec_test", now + 10), Ok(()));
        let rolled = format!("t={now},v1=deadbeef,v1={}", sign("whsec_test", now, body));
        assert_eq!(verify(Some(&rolled), body, "whsec_test", now), Ok(()));
        assert_eq!(verify(Some(&good), body, "whsec_other", now), Err(SignatureError::Mismatch));
        assert_eq!(verify(Some(&good), b"{}", "whsec_test", now), Err(SignatureError::Mismatch));
        assert_eq!(verify(Some(&good), body, "whsec_test", now + 301), Err(SignatureError::Stale));
        assert_eq!(verify(None, body, "whsec_test", now), Err(SignatureError::Missing));
        assert_eq!(verify(Some("v1=abc"), body, "whsec_test", now), Err(SignatureError::Malformed));
        let ancient = format!("t={},v1=00", i64::MIN);
        assert_eq!(verify(Some(&ancient), body, "whsec_test", now), Err(SignatureError::Stale));
    }
}
