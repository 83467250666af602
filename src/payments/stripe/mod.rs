//! Stripe: the PaymentIntents provider and the signature its webhooks carry. What a webhook
//! does to an order is checkout's (`checkout::stripe_webhook`).

mod client;
pub mod signature;

pub use client::StripeProvider;
