//! The payments seam: what Oxcart needs from a payment provider, and the built-in `test`
//! provider. Every call carries an idempotency key (the order id for a charge), so a retry
//! after a timeout or a crash can never charge twice, and the reconciler can ask what became
//! of a charge it never heard back about.
//!
//! The shape follows Stripe's PaymentIntents: "confirm a payment for this amount with this
//! payment method" is one call that succeeds, is declined, or fails.

pub mod model;
pub mod provider;
mod store;
pub mod stripe;
mod test_provider;

pub use model::{Payment, PaymentStatus};
pub use provider::{BoxFuture, ChargeOutcome, ChargeRequest, PaymentProvider, ProviderError};
pub use store::{NewPayment, counts, for_orders, open, settle};

use std::sync::Arc;

pub use test_provider::TestProvider;

use crate::db::Db;

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
            vec![Arc::new(TestProvider::new(db.clone(), config.faults.test_provider_failure_percent))];
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
