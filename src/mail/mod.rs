//! Email: the templates, the SMTP (or `.eml` file) mailer, and the worker that delivers the
//! outbox. It sits above the domains whose records it renders (orders, accounts); they only
//! ever write to the outbox (`crate::notifications::outbox`).

mod mailer;
mod messages;
mod order_emails;
mod worker;

pub use mailer::Mailer;
pub use worker::Worker;
