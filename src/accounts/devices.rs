//! Known devices: browsers (or apps with a cookie jar) that signed in to an account before.
//!
//! A successful login leaves a random token in the `oxcart_device` cookie, stored only as its
//! SHA-256. A later login for the same account that carries it is counted on that device's own
//! limit instead of the account's ceiling, so someone failing logins for an account from many
//! addresses can lock out strangers, never the customer on a device they have used before.
//! Each account keeps its 20 most recently used devices.

use crate::{
    db::{self, Db, Exec, sql},
    error::ApiError,
    ids, time,
};

pub const DEVICE_COOKIE: &str = "oxcart_device";
/// How many devices an account remembers; the least recently used are forgotten first.
const KEEP_PER_CUSTOMER: i64 = 20;

/// Whether `token` is a device that signed in to the account with this email key before.
pub async fn is_known(db: &Db, token: &str, email_key: &str) -> Result<bool, ApiError> {
    let known = sql(
        "devices.is_known",
        "SELECT d.customer_id FROM known_devices d JOIN customers c ON c.id = d.customer_id
         WHERE d.token_hash = $1 AND c.email_key = $2",
    )
    .bind(ids::token_hash(token))
    .bind(email_key)
    .exists(db)
    .await?;
    Ok(known)
}

/// After a successful sign-in: notes the device as the customer's again, or makes it a new
/// one. Returns the token to set in the cookie when it is new.
pub async fn remember(
    db: &Db,
    customer_id: &str,
    presented: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let now = time::now_ms();
    if let Some(token) = presented
        && seen_again(db, &ids::token_hash(token), customer_id, now).await?
    {
        return Ok(None);
    }
    let token = ids::new_token("oxd");
    sql("devices.remember", 
        "INSERT INTO known_devices (token_hash, customer_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(ids::token_hash(&token))
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await?;
    forget_all_but_newest(db, customer_id).await?;
    Ok(Some(token))
}

async fn seen_again(db: impl Exec, token_hash: &str, customer_id: &str, now: i64) -> Result<bool, db::Error> {
    let done = sql(
        "devices.seen_again",
        "UPDATE known_devices SET last_seen_at = $3 WHERE token_hash = $1 AND customer_id = $2",
    )
    .bind(token_hash)
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done == 1)
}

async fn forget_all_but_newest(db: impl Exec, customer_id: &str) -> Result<(), db::Error> {
    sql(
        "devices.forget_all_but_newest",
        // The newest are gathered in a derived table of their own: MySQL takes no LIMIT in
        // an `IN (…)` and no subquery on the table a DELETE deletes from.
        "DELETE FROM known_devices WHERE customer_id = $1 AND token_hash NOT IN (
           SELECT token_hash FROM (SELECT token_hash FROM known_devices WHERE customer_id = $1
           ORDER BY last_seen_at DESC, token_hash DESC LIMIT $2) AS newest)",
    )
    .bind(customer_id)
    .bind(KEEP_PER_CUSTOMER)
    .execute(db)
    .await
    .map(drop)
}
