//! A payment as Oxcart records it: one per order, moving from `pending` to its outcome.

/// Where a payment stands. Stored as its `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Asked for, outcome not known yet (or the customer is still authenticating).
    Pending,
    Succeeded,
    /// Declined, or never made; `failure_code` says which.
    Failed,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Succeeded, Self::Failed, Self::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }

    /// A stored status; an unknown one (written by a newer version) reads as `pending`, the
    /// state that promises nothing.
    pub fn from_db(value: &str) -> Self {
        Self::ALL.into_iter().find(|s| s.as_str() == value).unwrap_or(Self::Pending)
    }
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: String,
    pub provider: String,
    pub reference: Option<String>,
    pub status: PaymentStatus,
    pub failure_code: Option<String>,
}
