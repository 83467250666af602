//! argon2id hashing, always on the blocking pool: a hash takes tens of milliseconds of CPU and
//! must not stall the async executor.

use std::sync::OnceLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::ApiError;

pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format_args!("argon2 hash: {e}")))
}

/// Verifies against `stored`, or against a decoy hash when there is no account, so that a
/// login takes the same time whether or not the email exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let decoy;
        let hash = match &stored {
            Some(hash) => hash.as_str(),
            None => {
                decoy = decoy_hash()?;
                decoy
            }
        };
        let parsed = PasswordHash::new(hash)
            .map_err(|e| ApiError::internal(format_args!("stored hash unreadable: {e}")))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(matches && stored.is_some())
    })
    .await?
}

fn decoy_hash() -> Result<&'static str, ApiError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash);
    }
    let hash = hash_now(&crate::ids::new_token("decoy"))?;
    Ok(DECOY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let h = super::hash("correct horse".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".into(), Some(h.clone())).await.expect("v"));
        assert!(!super::verify("wrong horse".into(), Some(h)).await.expect("v"));
        assert!(!super::verify("anything".into(), None).await.expect("decoy"));
    }
}
