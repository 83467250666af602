//! Account rules: registration, login, sessions, profile. Knows nothing of HTTP requests;
//! the CLI calls it too.

use std::time::Duration;

use super::{
    model::{
        AuthSession, Customer, NewSession, Role, StaffRole, email_key, parse_email, parse_name,
        parse_password,
    },
    password, store,
};
use crate::{
    db::{Db, is_unique_violation, retry_transient},
    error::ApiError,
    ids, notifications,
    page::PageRequest,
    time,
    validate::Validator,
};

pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
}

impl Registration {
    /// Validates every field at once.
    pub fn parse(email: &str, password: &str, name: &str) -> Result<Self, ApiError> {
        let mut v = Validator::new();
        let email = v.check("email", parse_email(email));
        let password = v.check("password", parse_password(password));
        let name = v.check("name", parse_name(name));
        v.finish()?;
        match (email, password, name) {
            (Some(email), Some(password), Some(name)) => Ok(Self { email, password, name }),
            _ => Err(ApiError::internal("validator passed with a missing field")),
        }
    }
}

/// Creates a customer and signs them in, in one transaction.
pub async fn register(db: &Db, session_ttl: Duration, input: Registration) -> Result<NewSession, ApiError> {
    create_account(db, input, None, Some(session_ttl))
        .await
        .map(|(customer, token)| NewSession { token: token.unwrap_or_default(), customer })
}

/// Creates an owner (from the CLI or the demo setup). No session is opened.
pub async fn create_admin(db: &Db, input: Registration) -> Result<Customer, ApiError> {
    create_staff(db, input, StaffRole::Owner).await
}

/// Creates an admin with the staff role `staff_role`. No session is opened.
pub async fn create_staff(db: &Db, input: Registration, staff_role: StaffRole) -> Result<Customer, ApiError> {
    create_account(db, input, Some(staff_role), None).await.map(|(customer, _)| customer)
}

/// Invites a member of staff: an admin account nobody knows the password of, and (in the same
/// transaction) an email with a link to choose one (`staff.invited`).
pub async fn invite_staff(
    db: &Db,
    email: &str,
    name: &str,
    staff_role: StaffRole,
    invited_by: &Customer,
) -> Result<Customer, ApiError> {
    let unknowable = ids::new_token("inv");
    let input = Registration::parse(email, &unknowable, name)?;
    let invited_by = Some(invited_by.name.as_str());
    create_account_with(db, input, Some(staff_role), None, invited_by).await.map(|(customer, _)| customer)
}

/// For the worker: the invited admin and a token to choose their password with (valid a week,
/// like a reset token: `POST /v1/auth/password-reset/confirm`), or `None` when the account is gone.
pub async fn start_staff_invite(db: &Db, customer_id: &str) -> Result<Option<(Customer, String)>, ApiError> {
    let Some(customer) = store::find_customer(db, customer_id).await? else {
        return Ok(None);
    };
    let token = ids::new_token("pwr");
    let now = time::now_ms();
    store::insert_reset(db, &ids::token_hash(&token), &customer.id, now, now + INVITE_TTL_MS).await?;
    Ok(Some((customer, token)))
}

/// How long an invitation's link works.
const INVITE_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Admins, newest first; `limit + 1` rows.
pub async fn list_staff(db: &Db, page: &PageRequest) -> Result<Vec<Customer>, ApiError> {
    Ok(store::list_staff(db, page).await?)
}

/// Changes an admin's role or disables (or enables) them. The shop always keeps an owner who
/// can sign in: a change that would leave none is `409 last_owner`.
/// The member of staff `id`; `404` for an account that is not staff.
pub async fn find_staff(db: &Db, id: &str) -> Result<Customer, ApiError> {
    let found = store::find_customer(db, id).await?.filter(|c| c.role == Role::Admin);
    found.ok_or_else(ApiError::not_found)
}

pub async fn update_staff(
    db: &Db,
    id: &str,
    staff_role: Option<StaffRole>,
    disabled: Option<bool>,
) -> Result<Customer, ApiError> {
    retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        let owners = store::lock_active_owners(&mut tx).await?;
        let current = store::find_customer(&mut tx, id).await?.filter(|c| c.role == Role::Admin);
        let current = current.ok_or_else(ApiError::not_found)?;
        let role = staff_role.or(current.staff_role).unwrap_or(StaffRole::ReadOnly);
        let disabled_at = match disabled {
            Some(true) => current.disabled_at.or(Some(now)),
            Some(false) => None,
            None => current.disabled_at,
        };
        let stays_owner = role == StaffRole::Owner && disabled_at.is_none();
        if !stays_owner && owners.iter().all(|owner| owner == id) {
            return Err(ApiError::conflict(
                "last_owner",
                "The shop needs an owner who can sign in: make another owner first.",
            ));
        }
        store::set_staff(&mut tx, id, role, disabled_at, now).await?;
        let updated = store::find_customer(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        tx.commit().await?;
        Ok(updated)
    })
    .await
}

/// A customer's account (`staff_role` none) or an admin's.
async fn create_account(
    db: &Db,
    input: Registration,
    staff_role: Option<StaffRole>,
    session_ttl: Option<Duration>,
) -> Result<(Customer, Option<String>), ApiError> {
    create_account_with(db, input, staff_role, session_ttl, None).await
}

/// As [`create_account`]; `invited_by` (an owner's name) sends the new admin an invitation.
async fn create_account_with(
    db: &Db,
    input: Registration,
    staff_role: Option<StaffRole>,
    session_ttl: Option<Duration>,
    invited_by: Option<&str>,
) -> Result<(Customer, Option<String>), ApiError> {
    let password_hash = password::hash(input.password).await?;
    let now = time::now_ms();
    let role = if staff_role.is_some() { Role::Admin } else { Role::Customer };
    let customer = Customer {
        id: ids::new_id("cus"),
        email: input.email,
        name: input.name,
        role,
        staff_role,
        disabled_at: None,
        created_at: now,
    };
    let mut tx = db.begin().await?;
    let inserted = store::insert_customer(
        &mut tx,
        &store::NewCustomer {
            id: &customer.id,
            email: &customer.email,
            name: &customer.name,
            password_hash: &password_hash,
            role,
            staff_role,
            now,
        },
    )
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e, &["email_key"]) => {
            return Err(ApiError::conflict("email_taken", "An account with this email already exists."));
        }
        other => other?,
    }
    let token =
        match session_ttl {
            // A new account's credentials are at their first version.
            Some(ttl) => Some(open_session(&mut tx, &customer.id, 0, ttl, now).await?.ok_or_else(|| {
                ApiError::internal("a new account's first session found other credentials")
            })?),
            None => None,
        };
    if role == Role::Customer {
        let event =
            serde_json::json!({"customer_id": customer.id, "email": customer.email, "name": customer.name});
        notifications::enqueue(&mut tx, notifications::Topic::AccountCreated, &event).await?;
    }
    if let Some(invited_by) = invited_by {
        let event = serde_json::json!({"customer_id": customer.id, "invited_by": invited_by});
        notifications::enqueue(&mut tx, notifications::Topic::StaffInvited, &event).await?;
    }
    tx.commit().await?;
    Ok((customer, token))
}

/// A new session token for the customer, if their credentials are still at
/// `credential_version`, the one the caller checked; `None` when they changed meanwhile.
async fn open_session(
    tx: &mut crate::db::Tx,
    customer_id: &str,
    credential_version: i64,
    ttl: Duration,
    now: i64,
) -> Result<Option<String>, ApiError> {
    let token = ids::new_token("oxs");
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
    let session = store::NewSession {
        id: &ids::new_id("ses"),
        token_hash: &ids::token_hash(&token),
        customer_id,
        credential_version,
        now,
        expires_at: now.saturating_add(ttl_ms),
    };
    Ok(store::insert_session(&mut *tx, &session).await?.then_some(token))
}

/// Checks the password and opens a session. Wrong email and wrong password are the same
/// error and cost the same time.
///
/// The session is bound to the version of the credentials that were checked: if a password
/// reset commits while the hash is being verified, the session is not written (the answer is
/// `invalid_credentials`, as for a login after the reset), and if it commits after, the
/// session is dead at once. Nobody keeps a session through a reset, however they time it.
pub async fn login(
    db: &Db,
    session_ttl: Duration,
    email: &str,
    password: &str,
) -> Result<NewSession, ApiError> {
    let found = store::find_credentials(db, &email_key(email)).await?;
    let (customer, stored, version) = match found {
        Some((customer, credentials)) => {
            (Some(customer), Some(credentials.password_hash), credentials.version)
        }
        None => (None, None, 0),
    };
    let verified = password::verify(password.to_owned(), stored).await?;
    // A disabled admin is told what anyone with a wrong password is.
    let Some(customer) = customer.filter(|c| verified && c.disabled_at.is_none()) else {
        return Err(ApiError::invalid_credentials());
    };
    let customer = &customer;
    let token = retry_transient(|| async move {
        let now = time::now_ms();
        let mut tx = db.begin().await?;
        store::delete_expired_sessions_of(&mut tx, &customer.id, now).await?;
        let token = open_session(&mut tx, &customer.id, version, session_ttl, now).await?;
        tx.commit().await?;
        Ok::<_, ApiError>(token)
    })
    .await?;
    let token = token.ok_or_else(ApiError::invalid_credentials)?;
    Ok(NewSession { token, customer: customer.clone() })
}

/// The live session for a bearer token or cookie value, if any.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<AuthSession>, ApiError> {
    Ok(store::find_session(db, &ids::token_hash(token), time::now_ms()).await?)
}

pub async fn logout(db: &Db, session_id: &str) -> Result<(), ApiError> {
    Ok(store::delete_session(db, session_id).await?)
}

pub async fn rename(db: &Db, customer_id: &str, name: &str) -> Result<Customer, ApiError> {
    store::update_name(db, customer_id, name, time::now_ms()).await?;
    store::find_customer(db, customer_id).await?.ok_or_else(ApiError::not_found)
}

pub async fn list_customers(
    db: &Db,
    page: &PageRequest,
    search: Option<&str>,
) -> Result<Vec<Customer>, ApiError> {
    Ok(store::list_customers(db, page, search).await?)
}

/// Any account by its id; `404` for none.
pub async fn find_customer(db: &Db, id: &str) -> Result<Customer, ApiError> {
    store::find_customer(db, id).await?.ok_or_else(ApiError::not_found)
}

pub async fn any_admin(db: &Db) -> Result<bool, ApiError> {
    Ok(store::any_admin(db).await?)
}

/// True once anyone has an account, admin or customer.
pub async fn any_customer(db: &Db) -> Result<bool, ApiError> {
    Ok(store::any_customer(db).await?)
}
