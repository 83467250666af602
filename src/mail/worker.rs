//! The delivery worker: claims due outbox messages, sends them, and records the outcome. It
//! holds no database lock while talking to the mail server (the claim is a lease in the row),
//! so many processes, and several loops in each (`OXCART_OUTBOX_CONCURRENCY`), run side by side.
//!
//! Exactly-once, and its limit: a message is marked delivered only after the mail server
//! accepted it. If the process dies between the two, the lease runs out and the message is
//! sent again with the same `Message-ID`, which mail clients use to drop the duplicate. That
//! window is the time between the server's `250 OK` and one `UPDATE`.

use std::{future::Future, sync::Arc};

use super::{mailer::Mailer, messages, order_emails};
use crate::{
    accounts,
    config::Config,
    db::Db,
    ids,
    metrics::Metrics,
    notifications::outbox::{self, Topic},
    orders, shutdown, time,
};

#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub config: Arc<Config>,
    pub mailer: Arc<Mailer>,
    pub metrics: Arc<Metrics>,
}

/// Why a message could not be handled, and whether trying again can help.
struct Failure {
    error: String,
    retry: bool,
}

impl Worker {
    /// Delivers until `shutdown` resolves, with `outbox.concurrency` loops, each finishing the
    /// message in hand before it stops.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut loops = tokio::task::JoinSet::new();
        for _ in 0..self.config.mail.outbox.concurrency {
            loops.spawn(self.clone().deliver_until(shutdown::wait_for(stopped.clone())));
        }
        shutdown.await;
        let _ = stop.send(true);
        loops.join_all().await;
    }

    async fn deliver_until(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let idle = match self.deliver_one().await {
                Ok(handled) => !handled,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: cannot reach the database");
                    true
                }
            };
            // Busy, it goes straight on to the next message, but still stops when asked.
            let pause = if idle { self.config.mail.outbox.poll } else { std::time::Duration::ZERO };
            tokio::select! {
                biased;
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Claims and handles one due message; false when none was due.
    pub async fn deliver_one(&self) -> Result<bool, crate::db::Error> {
        let now = time::now_ms();
        let lease = i64::try_from(self.config.mail.outbox.lease.as_millis()).unwrap_or(i64::MAX);
        let Some(message) = outbox::claim(&self.db, now, now + lease).await? else {
            return Ok(false);
        };
        match self.handle(&message).await {
            Ok(()) => {
                if !outbox::delivered(&self.db, &message.id, message.lease_until, time::now_ms()).await? {
                    tracing::warn!(id = %message.id, "outbox: delivered after the lease ran out; it may go out twice");
                }
            }
            Err(failure) => {
                self.metrics.email_failed();
                let retry_at = (failure.retry
                    && message.attempts < i64::from(self.config.mail.outbox.max_attempts))
                .then(|| time::now_ms() + self.backoff(message.attempts));
                tracing::warn!(id = %message.id, topic = %message.topic, attempts = message.attempts,
                    dead = retry_at.is_none(), error = %failure.error, "outbox: delivery failed");
                outbox::failed(&self.db, &message.id, message.lease_until, &failure.error, retry_at).await?;
            }
        }
        Ok(true)
    }

    /// Exponential, capped, with up to 25% jitter so many failed messages do not retry in step.
    fn backoff(&self, attempts: i64) -> i64 {
        let o = &self.config.mail.outbox;
        let base = i64::try_from(o.retry_base.as_millis()).unwrap_or(1000);
        let max = i64::try_from(o.retry_max.as_millis()).unwrap_or(i64::MAX);
        let exp = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
        let delay = base.saturating_mul(1_i64 << exp).min(max);
        let jitter =
            i64::from(u16::from_le_bytes(ids::random_bytes::<2>())) * (delay / 4) / i64::from(u16::MAX);
        delay + jitter
    }

    async fn handle(&self, message: &outbox::Claimed) -> Result<(), Failure> {
        let payload: serde_json::Value = serde_json::from_str(&message.payload)
            .map_err(|e| Failure { error: format!("payload is not JSON: {e}"), retry: false })?;
        let field = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
        let message_id = format!("<{}@oxcart>", message.id);
        let config = &self.config;
        let email = match Topic::parse(&message.topic) {
            Some(Topic::OrderPaid) => {
                let order = orders::get_order(&self.db, &field("order_id"), orders::Reader::ADMIN)
                    .await
                    .map_err(|e| Failure { error: e.to_string(), retry: e.code() != "not_found" })?;
                let token = orders::mint_access_token(&self.db, &order.id).await.map_err(transient)?;
                order_emails::order_confirmation(config, &order, &token, message_id)
            }
            Some(Topic::OrderShipped) => {
                let order = orders::get_order(&self.db, &field("order_id"), orders::Reader::ADMIN)
                    .await
                    .map_err(|e| Failure { error: e.to_string(), retry: e.code() != "not_found" })?;
                let shipment_id = field("shipment_id");
                let Some(shipment) = order.shipments.iter().find(|s| s.id == shipment_id) else {
                    return Err(Failure { error: format!("no shipment {shipment_id}"), retry: false });
                };
                let token = orders::mint_access_token(&self.db, &order.id).await.map_err(transient)?;
                order_emails::order_shipped(config, &order, shipment, &token, message_id)
            }
            Some(Topic::AccountCreated) => {
                messages::welcome(config, &field("email"), &field("name"), message_id)
            }
            Some(Topic::PasswordResetRequested) => {
                // Asked for an email nobody has: nothing to send, and the asker cannot tell.
                let Some((customer, token)) =
                    accounts::start_password_reset(&self.db, &field("email")).await.map_err(transient)?
                else {
                    return Ok(());
                };
                messages::password_reset(config, &customer.email, &customer.name, &token, message_id)
            }
            Some(Topic::StaffInvited) => {
                let Some((customer, token)) =
                    accounts::start_staff_invite(&self.db, &field("customer_id")).await.map_err(transient)?
                else {
                    return Ok(());
                };
                messages::staff_invite(
                    config,
                    &customer.email,
                    &customer.name,
                    &field("invited_by"),
                    &token,
                    message_id,
                )
            }
            // Recorded for later uses (webhooks, shipping emails); nothing to send yet.
            Some(Topic::OrderFulfilled | Topic::OrderCancelled) => return Ok(()),
            None => return Err(Failure { error: format!("unknown topic {}", message.topic), retry: false }),
        };
        let sent_to = self.mailer.send(email).await.map_err(|error| Failure { error, retry: true })?;
        self.metrics.email_sent();
        tracing::info!(id = %message.id, topic = %message.topic, to = %sent_to, "outbox: email sent");
        Ok(())
    }
}

fn transient(e: impl std::fmt::Display) -> Failure {
    Failure { error: e.to_string(), retry: true }
}
