//! Password reset: request (always `202`), the emailed single-use token (valid one hour,
//! stored hashed), and confirmation, which sets the password and signs out every session.
//!
//! The request only writes an outbox event with the email, whether or not an account has it,
//! so both cases cost the same and answer the same. The worker looks the account up and mints
//! the token when it sends the email.

use super::{
    model::{Customer, email_key, parse_email, parse_password},
    password, store,
};
use crate::{
    db::{Db, retry_transient},
    error::ApiError,
    ids,
    notifications::{self, Topic},
    time,
};

const TOKEN_TTL_MS: i64 = 60 * 60 * 1000;

/// Queues the reset email for `email` if an account has it. Answers nothing about whether one
/// does.
pub async fn request_password_reset(db: &Db, email: &str) -> Result<(), ApiError> {
    let email = parse_email(email).map_err(|m| ApiError::field("email", m))?;
    let mut tx = db.begin().await?;
    notifications::enqueue(&mut tx, Topic::PasswordResetRequested, &serde_json::json!({"email": email}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// For the worker: the account with this email and a fresh reset token for it, or `None`.
pub async fn start_password_reset(db: &Db, email: &str) -> Result<Option<(Customer, String)>, ApiError> {
    let Some((customer, _)) = store::find_credentials(db, &email_key(email)).await? else {
        return Ok(None);
    };
    let token = ids::new_token("pwr");
    let now = time::now_ms();
    store::insert_reset(db, &ids::token_hash(&token), &customer.id, now, now + TOKEN_TTL_MS).await?;
    Ok(Some((customer, token)))
}

/// Sets the new password if the token is valid, unused and unexpired; then every session of
/// the customer ends and every other reset token of theirs stops working.
pub async fn confirm_password_reset(db: &Db, token: &str, new_password: &str) -> Result<(), ApiError> {
    let new_password = parse_password(new_password).map_err(|m| ApiError::field("password", m))?;
    let password_hash = &password::hash(new_password).await?;
    let token_hash = &ids::token_hash(token);
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        // Using the token is one guarded update: two confirmations racing cannot both pass.
        let Some(customer_id) = store::use_reset(&mut tx, token_hash, now).await? else {
            return Err(ApiError::field(
                "token",
                "is not valid: it may be mistyped, used already, or expired (a reset link lasts an hour, an invitation a week)",
            ));
        };
        // The new credential version ends every session opened with the old password, even
        // one a login writes after this commits; deleting them only tidies up.
        store::set_password(&mut tx, &customer_id, password_hash, now).await?;
        store::delete_sessions_of(&mut tx, &customer_id).await?;
        store::expire_resets_of(&mut tx, &customer_id, now).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
