//! The background jobs every process runs beside (or instead of) the server: the reconciler
//! and, where this process delivers mail, the outbox worker.

use std::time::Duration;

use tokio::{sync::watch, task::JoinHandle};

use crate::{cart, checkout, http::idempotency, mail::Worker, shutdown::wait_for, state::AppState, time};

/// The running jobs, until [`Jobs::stop`].
pub struct Jobs {
    reconciler: JoinHandle<()>,
    mail: Option<(watch::Sender<bool>, JoinHandle<()>)>,
}

impl Jobs {
    pub fn start(state: AppState, mail: Option<Worker>) -> Self {
        let mail = mail.map(|worker| {
            let (stop, stopped) = watch::channel(false);
            (stop, tokio::spawn(worker.run(wait_for(stopped))))
        });
        Self { reconciler: tokio::spawn(reconcile_forever(state)), mail }
    }

    /// Stops the reconciler at once (every step of it is safe to cut short) and lets the mail
    /// worker finish the message in hand, so it is not left half-sent.
    pub async fn stop(self) {
        self.reconciler.abort();
        if let Some((stop, worker)) = self.mail {
            let _ = stop.send(true);
            let _ = tokio::time::timeout(Duration::from_secs(35), worker).await;
        }
    }
}

/// Every `settings.every` (30 s by default): settles orders a crash or a lost connection left
/// `pending_payment` (see `checkout::reconcile_pending`), forgets idempotency keys older than a
/// day, and sweeps guest carts abandoned longer than `OXCART_GUEST_CART_TTL_HOURS`. Every
/// process runs it; settling an order and deleting a cart are guarded, so they never do either
/// twice.
async fn reconcile_forever(state: AppState) {
    let (db, payments, catalog_cache, config) =
        (state.db.clone(), state.payments.clone(), state.catalog_cache.clone(), state.config.clone());
    let (settings, guest_cart_ttl) = (config.reconcile, config.guest_cart_ttl);
    let mut tick = tokio::time::interval(settings.every);
    loop {
        tick.tick().await;
        match checkout::reconcile_pending(&db, &payments, &settings).await {
            Ok(0) => {}
            Ok(settled) => {
                catalog_cache.invalidate();
                tracing::info!(settled, "reconciled pending orders");
            }
            Err(e) => tracing::warn!(error = %e, "reconciling pending orders failed"),
        }
        if let Err(e) = idempotency::sweep(&db).await {
            tracing::warn!(error = %e, "sweeping expired idempotency keys failed");
        }
        let ttl_ms = i64::try_from(guest_cart_ttl.as_millis()).unwrap_or(i64::MAX);
        match cart::sweep_abandoned(&db, time::now_ms().saturating_sub(ttl_ms)).await {
            Ok(0) => {}
            Ok(swept) => tracing::info!(swept, "swept abandoned guest carts"),
            Err(e) => tracing::warn!(error = %e, "sweeping abandoned guest carts failed"),
        }
    }
}
