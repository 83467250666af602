//! Opaque identifiers and secret tokens.
//!
//! Ids are ULIDs (48-bit millisecond time + 80 random bits, Crockford base32) behind a type
//! prefix such as `cus_`: unguessable, never sequential, and roughly time-ordered.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS random source failing is not recoverable and not caused by a client.
    getrandom::fill(&mut buf).expect("the operating system's random source is unavailable");
    buf
}

/// A new id such as `cus_01jd3v9k2m8q4r6t0w2y4a6c8e`.
///
/// Monotonic within the process (the ULID spec's monotonic mode): an id made in the same
/// millisecond as the previous one increments its random part, so ordering by id agrees with
/// creation order.
pub fn new_id(prefix: &str) -> String {
    static LAST: Mutex<(u128, u128)> = Mutex::new((0, 0));
    const RANDOM_BITS: u128 = (1 << 80) - 1;
    let now = u128::try_from(crate::time::now_ms()).unwrap_or(0) & ((1 << 48) - 1);
    let value = {
        let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
        let (millis, random) = if now <= last.0 && last.1 < RANDOM_BITS {
            (last.0, last.1 + 1)
        } else {
            let mut b = [0u8; 16];
            b[6..].copy_from_slice(&random_bytes::<10>());
            (now, u128::from_be_bytes(b))
        };
        *last = (millis, random);
        (millis << 80) | random
    };
    let mut id = String::with_capacity(prefix.len() + 27);
    id.push_str(prefix);
    id.push('_');
    for i in (0..26).rev() {
        id.push(CROCKFORD[((value >> (i * 5)) & 0x1f) as usize] as char);
    }
    id
}

/// An id that is also the only key to what it names (a guest's cart): 127 random bits, no
/// time part and no sequence, so knowing one id says nothing about any other. [`new_id`] is
/// not for this: ids it makes in the same millisecond differ by one.
pub fn new_unguessable_id(prefix: &str) -> String {
    let bytes = random_bytes::<17>();
    let value = u128::from_be_bytes(bytes[..16].try_into().unwrap_or([0; 16]));
    let mut id = String::with_capacity(prefix.len() + 27);
    id.push_str(prefix);
    id.push('_');
    id.push(CROCKFORD[usize::from(bytes[16] & 0x03)] as char);
    for i in (0..25).rev() {
        id.push(CROCKFORD[((value >> (i * 5)) & 0x1f) as usize] as char);
    }
    id
}

/// A secret token with 256 random bits, URL-safe, behind a readable prefix.
pub fn new_token(prefix: &str) -> String {
    format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equality that takes as long for a near miss as for a wild guess, for comparing secrets.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the database keeps instead of a token: its SHA-256, hex-encoded. Tokens carry 256 bits
/// of entropy, so a fast hash is enough (no password-style stretching needed).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_distinct_and_time_ordered() {
        let a = new_id("cus");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id("cus");
        assert!(a.starts_with("cus_") && a.len() == 30, "{a}");
        assert!(a < b);
    }

    #[test]
    fn ids_made_in_one_millisecond_still_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| new_id("x")).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn unguessable_ids_share_nothing() {
        let (a, b) = (new_unguessable_id("cart"), new_unguessable_id("cart"));
        assert!(a.starts_with("cart_") && a.len() == 31, "{a}");
        assert_ne!(a[5..10], b[5..10], "no shared time prefix");
    }

    #[test]
    fn tokens_hash_to_stable_hex() {
        let t = new_token("oxs");
        assert!(t.len() > 40);
        assert_eq!(token_hash(&t), token_hash(&t));
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), token_hash(&new_token("oxs")));
    }
}
