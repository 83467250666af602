//! Accounts SQL. Portable across engines; every value is a bound parameter.

use super::model::{AuthSession, Customer, Role, StaffRole, email_key};
use crate::{
    db::{self, Exec, FromRow, GuardedUpdate, RowLock, sql},
    page::PageRequest,
};

#[derive(FromRow)]
struct CustomerRow {
    id: String,
    email: String,
    name: String,
    role: String,
    staff_role: Option<String>,
    disabled_at: Option<i64>,
    created_at: i64,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            name: r.name,
            role: Role::parse(&r.role),
            staff_role: r.staff_role.as_deref().and_then(StaffRole::parse),
            disabled_at: r.disabled_at,
            created_at: r.created_at,
        }
    }
}

pub struct NewCustomer<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub staff_role: Option<StaffRole>,
    pub now: i64,
}

pub async fn insert_customer(db: impl Exec, c: &NewCustomer<'_>) -> Result<(), db::Error> {
    sql(
        "accounts.insert_customer",
        "INSERT INTO customers (id, email, email_key, name, password_hash, role, staff_role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(c.id)
    .bind(c.email)
    .bind(email_key(c.email))
    .bind(c.name)
    .bind(c.password_hash)
    .bind(c.role.as_str())
    .bind(c.staff_role.map(StaffRole::as_str))
    .bind(c.now)
    .execute(db)
    .await
    .map(drop)
}

/// A customer's password hash and the version of the credentials it belongs to, read together.
pub struct Credentials {
    pub password_hash: String,
    pub version: i64,
}

/// The customer with this email and their credentials, for a login.
pub async fn find_credentials(
    db: impl Exec,
    email_key: &str,
) -> Result<Option<(Customer, Credentials)>, db::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        customer: CustomerRow,
        password_hash: String,
        credential_version: i64,
    }
    let row: Option<Row> = sql(
        "accounts.find_credentials",
        "SELECT id, email, name, role, staff_role, disabled_at, created_at, password_hash, credential_version
         FROM customers WHERE email_key = $1",
    )
    .bind(email_key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (r.customer.into(), Credentials { password_hash: r.password_hash, version: r.credential_version })
    }))
}

pub async fn find_customer(db: impl Exec, id: &str) -> Result<Option<Customer>, db::Error> {
    let row: Option<CustomerRow> = sql(
        "accounts.find_customer",
        "SELECT id, email, name, role, staff_role, disabled_at, created_at FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn update_name(db: impl Exec, id: &str, name: &str, now: i64) -> Result<(), db::Error> {
    sql("accounts.update_name", "UPDATE customers SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(drop)
}

pub async fn any_admin(db: impl Exec) -> Result<bool, db::Error> {
    sql("accounts.any_admin", "SELECT id FROM customers WHERE role = 'admin' LIMIT 1").exists(db).await
}

pub async fn any_customer(db: impl Exec) -> Result<bool, db::Error> {
    sql("accounts.any_customer", "SELECT id FROM customers LIMIT 1").exists(db).await
}

/// Newest first, `limit + 1` rows (the extra one tells whether another page exists).
/// Accounts, newest first, `limit + 1` rows; with `search`, only those whose email or name
/// contains it, in any case (a scan: fine for finding a customer, not for a report).
pub async fn list_customers(
    db: impl Exec,
    page: &PageRequest,
    search: Option<&str>,
) -> Result<Vec<Customer>, db::Error> {
    list(db, page, false, search).await
}

/// Admins, newest first, `limit + 1` rows.
pub async fn list_staff(db: impl Exec, page: &PageRequest) -> Result<Vec<Customer>, db::Error> {
    list(db, page, true, None).await
}

async fn list(
    db: impl Exec,
    page: &PageRequest,
    admins_only: bool,
    search: Option<&str>,
) -> Result<Vec<Customer>, db::Error> {
    let (at, id) = page.after.as_ref().map_or((i64::MAX, ""), |c| (c.at, c.id.as_str()));
    let mut q = sql(
        if admins_only { "accounts.list_staff" } else { "accounts.list_customers" },
        "SELECT id, email, name, role, staff_role, disabled_at, created_at FROM customers
         WHERE (created_at < $1 OR (created_at = $1 AND id < $2))",
    )
    .bind(at)
    .bind(id);
    if admins_only {
        q.push(" AND role = 'admin'");
    }
    if let Some(words) = search {
        let pattern = contains_pattern(&words.to_lowercase());
        let p = q.param(pattern);
        q.push(&format!(" AND (LOWER(email) LIKE {p} ESCAPE '!' OR LOWER(name) LIKE {p} ESCAPE '!')"));
    }
    q.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(page.limit + 1);
    let rows: Vec<CustomerRow> = q.fetch_all(db).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub customer_id: &'a str,
    /// The credentials the caller checked: the session is written only if they are still
    /// the customer's.
    pub credential_version: i64,
    pub now: i64,
    pub expires_at: i64,
}

/// Opens the session if the customer's credentials are still at `credential_version`; false
/// when they changed since they were checked (the session would be born dead).
pub async fn insert_session(db: impl Exec, s: &NewSession<'_>) -> Result<bool, db::Error> {
    let done = sql("accounts.insert_session", 
        "INSERT INTO sessions (id, token_hash, customer_id, credential_version, created_at, expires_at)
         SELECT $1, $2, id, credential_version, $5, $6 FROM customers WHERE id = $3 AND credential_version = $4",
    )
    .bind(s.id)
    .bind(s.token_hash)
    .bind(s.customer_id)
    .bind(s.credential_version)
    .bind(s.now)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// The live session whose token hashes to `token_hash`, with its customer: unexpired, and
/// opened with the customer's current credentials.
pub async fn find_session(
    db: impl Exec,
    token_hash: &str,
    now: i64,
) -> Result<Option<AuthSession>, db::Error> {
    #[derive(FromRow)]
    struct Row {
        session_id: String,
        #[sqlx(flatten)]
        customer: CustomerRow,
    }
    let row: Option<Row> = sql("accounts.find_session", 
        "SELECT s.id AS session_id, c.id, c.email, c.name, c.role, c.staff_role, c.disabled_at, c.created_at
         FROM sessions s JOIN customers c ON c.id = s.customer_id AND c.credential_version = s.credential_version
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| AuthSession { session_id: r.session_id, customer: r.customer.into() }))
}

pub async fn delete_session(db: impl Exec, id: &str) -> Result<(), db::Error> {
    sql("accounts.delete_session", "DELETE FROM sessions WHERE id = $1").bind(id).execute(db).await.map(drop)
}

pub async fn delete_expired_sessions_of(db: impl Exec, customer_id: &str, now: i64) -> Result<(), db::Error> {
    sql(
        "accounts.delete_expired_sessions_of",
        "DELETE FROM sessions WHERE customer_id = $1 AND expires_at <= $2",
    )
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

pub async fn insert_reset(
    db: impl Exec,
    token_hash: &str,
    customer_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), db::Error> {
    sql("accounts.insert_reset", 
        "INSERT INTO password_resets (token_hash, customer_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(customer_id)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await
    .map(drop)
}

/// Marks the token used if it is unused and unexpired; returns whose it was.
pub async fn use_reset(db: impl Exec, token_hash: &str, now: i64) -> Result<Option<String>, db::Error> {
    GuardedUpdate {
        name: "accounts.use_reset",
        table: "password_resets",
        set: "used_at = $2",
        key: "token_hash = $1",
        guard: "used_at IS NULL AND expires_at > $2",
        returning: "customer_id",
    }
    .sql()
    .bind(token_hash)
    .bind(now)
    .scalar_optional(db)
    .await
}

pub async fn expire_resets_of(db: impl Exec, customer_id: &str, now: i64) -> Result<(), db::Error> {
    sql(
        "accounts.expire_resets_of",
        "UPDATE password_resets SET used_at = $2 WHERE customer_id = $1 AND used_at IS NULL",
    )
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}

/// Replaces the password and moves the credentials to a new version, which ends every session
/// opened with the old one, including any a login is writing at this moment.
pub async fn set_password(
    db: impl Exec,
    customer_id: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), db::Error> {
    sql("accounts.set_password", 
        "UPDATE customers SET password_hash = $2, credential_version = credential_version + 1, updated_at = $3
         WHERE id = $1",
    )
        .bind(customer_id)
        .bind(password_hash)
        .bind(now)
        .execute(db)
        .await
        .map(drop)
}

pub async fn delete_sessions_of(db: impl Exec, customer_id: &str) -> Result<(), db::Error> {
    sql("accounts.delete_sessions_of", "DELETE FROM sessions WHERE customer_id = $1")
        .bind(customer_id)
        .execute(db)
        .await
        .map(drop)
}

/// The owners who can sign in, locked until the transaction ends: changes that could leave the
/// shop without one take turns.
pub async fn lock_active_owners(db: impl Exec) -> Result<Vec<String>, db::Error> {
    let mut q = sql(
        "accounts.lock_owners",
        "SELECT id FROM customers WHERE staff_role = 'owner' AND disabled_at IS NULL ORDER BY id",
    );
    q.locked(RowLock::Write);
    Ok(q.fetch_all::<(String,)>(db).await?.into_iter().map(|(id,)| id).collect())
}

/// Sets an admin's role and whether they are disabled. Disabling moves the credentials to a new
/// version, which ends every session at once (and any sign-in under way).
pub async fn set_staff(
    db: impl Exec,
    id: &str,
    staff_role: StaffRole,
    disabled_at: Option<i64>,
    now: i64,
) -> Result<bool, db::Error> {
    let done = sql(
        "accounts.set_staff",
        "UPDATE customers SET staff_role = $2,
           credential_version = credential_version + CASE WHEN $3 IS NOT NULL AND disabled_at IS NULL THEN 1 ELSE 0 END,
           disabled_at = $3, updated_at = $4
         WHERE id = $1 AND role = 'admin'",
    )
    .bind(id)
    .bind(staff_role.as_str())
    .bind(disabled_at)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done == 1)
}

/// A `LIKE` pattern (escape character `!`) matching text that contains `text` literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_matches_its_wildcards_literally() {
        assert_eq!(super::contains_pattern("ann"), "%ann%");
        assert_eq!(super::contains_pattern("50%_off!"), "%50!%!_off!!%");
    }
}
