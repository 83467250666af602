//! What an account is (a customer or an admin, and a signed-in session), and the rules for
//! the values that make one: emails, passwords, names.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }

    pub(super) fn parse(text: &str) -> Self {
        if text == "admin" { Self::Admin } else { Self::Customer }
    }
}

/// What an admin (a member of staff) may do: `src/staff/permissions.rs` decides it route by
/// route, and docs/API.md ("Staff roles") has the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Everything, including staff and the shop's settings.
    Owner,
    /// The catalog, promotions, orders and customers.
    Manager,
    /// Orders: reads them and ships them.
    Fulfilment,
    /// Orders and customers: reads them.
    Support,
    /// Reads everything but staff.
    ReadOnly,
}

impl StaffRole {
    pub const ALL: [Self; 5] = [Self::Owner, Self::Manager, Self::Fulfilment, Self::Support, Self::ReadOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Fulfilment => "fulfilment",
            Self::Support => "support",
            Self::ReadOnly => "read_only",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// An admin's role; `None` for a customer.
    pub staff_role: Option<StaffRole>,
    /// When an owner disabled the account: it cannot sign in.
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

/// A signed-in caller: the session and whose it is.
#[derive(Debug, Clone)]
pub struct AuthSession {
    pub session_id: String,
    pub customer: Customer,
}

/// A newly opened session. The token is shown to the client once and stored only as a hash.
pub struct NewSession {
    pub token: String,
    pub customer: Customer,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession").field("token", &"[redacted]").field("customer", &self.customer).finish()
    }
}

/// Lower-cased, trimmed email: the key that makes emails unique case-insensitively.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately plain check: one `@`, a dotted domain, no spaces. Deliverability is proven
/// by sending mail, not by a regex.
pub fn parse_email(value: &str) -> Result<String, String> {
    let email = value.trim();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid { Ok(email.to_owned()) } else { Err("must be a valid email address".into()) }
}

pub fn parse_password(value: &str) -> Result<String, String> {
    let chars = value.chars().count();
    if !(8..=128).contains(&chars) {
        return Err("must be 8 to 128 characters".into());
    }
    Ok(value.to_owned())
}

pub fn parse_name(value: &str) -> Result<String, String> {
    crate::validate::text(value, 1, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(parse_email(" Ann@Example.com ").as_deref(), Ok("Ann@Example.com"));
        for bad in ["", "ann", "ann@", "@x.io", "ann@x", "a b@x.io", "a@b@x.io", "a@x.io."] {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
        assert_eq!(email_key(" Ann@Example.COM"), "ann@example.com");
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(parse_password("1234567").is_err());
        assert!(parse_password("ééééééé").is_err());
        assert!(parse_password("éééééééé").is_ok());
        assert!(parse_password(&"x".repeat(129)).is_err());
    }
}
