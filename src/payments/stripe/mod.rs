//! Stripe: the PaymentIntents provider and its webhooks.

mod client;
pub mod routes;
pub mod signature;
mod webhook;

pub use client::StripeProvider;
pub use webhook::{WebhookOutcome, handle_event};
