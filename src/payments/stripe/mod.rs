//! Stripe: webhooks now; the PaymentIntents provider next (see the issue notes).

pub mod routes;
pub mod signature;
mod webhook;

pub use webhook::{WebhookOutcome, handle_event};
