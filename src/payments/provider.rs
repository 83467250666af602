//! What Oxcart needs from a payment provider: one trait, and the requests and outcomes it speaks in.

use std::{future::Future, pin::Pin};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone)]
pub struct ChargeRequest {
    /// The same key always means the same charge: the provider performs it at most once.
    pub idempotency_key: String,
    pub amount: i64,
    pub currency: String,
    /// As the storefront got it from the provider's client library (`pm_card_visa`, …).
    pub payment_method: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Money taken; `reference` is the provider's id for the charge.
    Succeeded { reference: String },
    /// The card was refused (insufficient funds, …): nothing taken. `code` is the provider's.
    Declined { code: String },
    /// Not decided yet: the customer must act (3-D Secure, with `client_secret` for Stripe.js),
    /// or the provider is still processing. A webhook or the reconciler settles it.
    Pending { reference: String, client_secret: Option<String> },
}

/// The provider failed or did not answer in time. Whether money moved is unknown until the
/// charge is looked up by its idempotency key.
#[derive(Debug, Clone, thiserror::Error)]
#[error("payment provider error: {0}")]
pub struct ProviderError(pub String);

pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, ProviderError>>;

    /// What a charge made with this key came to, or `None` if the provider never made it.
    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<ChargeOutcome>, ProviderError>>;

    /// Refunds a successful charge in full; refunding twice with the same key refunds once.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Gives up on a pending charge (abandoned 3-D Secure), so it can never succeed later.
    fn cancel<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;
}
