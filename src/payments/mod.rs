//! The payments seam: what Oxcart needs from a payment provider, and the built-in `test`
//! provider. Every call carries an idempotency key (the order id for a charge), so a retry
//! after a timeout or a crash can never charge twice, and the reconciler can ask what became
//! of a charge it never heard back about.
//!
//! The shape follows Stripe's PaymentIntents: "confirm a payment for this amount with this
//! payment method" is one call that succeeds, is declined, or fails.

pub mod stripe;
mod test_provider;

use std::{future::Future, pin::Pin, sync::Arc};

pub use test_provider::TestProvider;

use crate::db::Db;

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

/// The providers this server can charge through, by the name clients send as `provider`.
/// Shared, not copied: the application state that holds it is cloned for every request.
#[derive(Clone)]
pub struct Payments {
    providers: Arc<[Arc<dyn PaymentProvider>]>,
}

impl Payments {
    /// The built-in `test` provider, and `stripe` when a secret key is configured.
    pub fn new(db: &Db, config: &crate::config::Config) -> Self {
        let mut providers: Vec<Arc<dyn PaymentProvider>> =
            vec![Arc::new(TestProvider::new(db.clone(), config.fault_test_provider_failure_percent))];
        if let Some(stripe) = stripe::StripeProvider::from_config(&config.stripe) {
            providers.push(Arc::new(stripe));
        }
        Self { providers: providers.into() }
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn PaymentProvider>> {
        self.providers.iter().find(|p| p.name() == name).cloned()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.providers.iter().map(|p| p.name()).collect()
    }
}
