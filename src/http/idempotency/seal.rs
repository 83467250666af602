//! What is kept of an idempotent request is useless without its `Idempotency-Key`, which only
//! the client has: the key is stored as a SHA-256 digest, the request fingerprint is an HMAC
//! under the key, and the response body is sealed (ChaCha20-Poly1305) under a key derived from
//! it (HKDF-SHA256, with the scope). A database reader sees who asked and when, never an order's
//! access token or anything else a response carried, and cannot test guesses of a request's
//! body either.

use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD as B64};
use hmac::{Hmac, KeyInit, Mac};
use ring::{
    aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    hkdf,
};
use sha2::{Digest, Sha256};

/// What the table is keyed by: the key's digest, never the key.
pub fn key_digest(key: &str) -> String {
    crate::ids::hex(&Sha256::digest(key.as_bytes()))
}

/// Method, path with query, and body, under an HMAC keyed by the idempotency key: equal for
/// the same request, and no help to anyone guessing what a request said.
pub fn fingerprint(key: &str, method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(method.as_bytes());
    mac.update(&[0]);
    mac.update(path_and_query.as_bytes());
    mac.update(&[0]);
    mac.update(body);
    crate::ids::hex(&mac.finalize().into_bytes())
}

struct KeyLength;

impl hkdf::KeyType for KeyLength {
    fn len(&self) -> usize {
        CHACHA20_POLY1305.key_len()
    }
}

fn cipher(key: &str, scope: &str) -> Option<LessSafeKey> {
    let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"oxcart idempotent response v1");
    let info = [scope.as_bytes()];
    let prk = salt.extract(key.as_bytes());
    let okm = prk.expand(&info, KeyLength).ok()?;
    let mut bytes = [0u8; 32];
    okm.fill(&mut bytes).ok()?;
    UnboundKey::new(&CHACHA20_POLY1305, &bytes).ok().map(LessSafeKey::new)
}

/// `body` sealed under `key` and `scope`: a random nonce and the ciphertext, in base64.
pub fn seal(key: &str, scope: &str, body: &[u8]) -> Option<String> {
    let cipher = cipher(key, scope)?;
    let nonce_bytes = crate::ids::random_bytes::<NONCE_LEN>();
    let mut sealed = body.to_vec();
    cipher
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce_bytes), Aad::empty(), &mut sealed)
        .ok()?;
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&sealed);
    Some(B64.encode(out))
}

/// The body [`seal`] sealed, if `key` and `scope` are the ones it was sealed under.
pub fn open(key: &str, scope: &str, sealed: &str) -> Option<Vec<u8>> {
    let cipher = cipher(key, scope)?;
    let bytes = B64.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut ciphertext = ciphertext.to_vec();
    let plain = cipher.open_in_place(nonce, Aad::empty(), &mut ciphertext).ok()?;
    Some(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_key_and_scope_open_a_sealed_body() {
        let body = br#"{"access_token":"ordtok_secret"}"#;
        let sealed = seal("key-1", "cart:abc", body).expect("sealed");
        assert!(!sealed.contains("ordtok"));
        assert_eq!(open("key-1", "cart:abc", &sealed).as_deref(), Some(&body[..]));
        assert_eq!(open("key-2", "cart:abc", &sealed), None);
        assert_eq!(open("key-1", "cart:xyz", &sealed), None);
        assert_ne!(seal("key-1", "cart:abc", body), Some(sealed), "a fresh nonce each time");
    }

    #[test]
    fn fingerprints_depend_on_the_key_and_the_request() {
        let a = fingerprint("k", "POST", "/v1/x", b"{}");
        assert_eq!(a, fingerprint("k", "POST", "/v1/x", b"{}"));
        assert_ne!(a, fingerprint("other", "POST", "/v1/x", b"{}"));
        assert_ne!(a, fingerprint("k", "POST", "/v1/x", b"{ }"));
        assert_ne!(key_digest("k"), "k");
    }
}
