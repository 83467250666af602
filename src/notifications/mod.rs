//! Notifications: side effects such as the order confirmation email. They are written to the
//! outbox ([`outbox::enqueue`]) inside the transaction that causes them, so a committed change
//! always has its message waiting and a rolled-back one never does. The outbox is a leaf any
//! domain may write into; the mail worker that delivers it (`crate::mail`) sits above the
//! domains whose records it renders.

pub mod outbox;
pub mod routes;

pub use outbox::{Topic, enqueue};
