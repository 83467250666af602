//! The `test` provider: answers like Stripe's test payment methods, and keeps its charges in
//! its own table, written outside the store's transactions, as an external gateway would.
//!
//! | payment_method | outcome |
//! | --- | --- |
//! | `pm_card_visa`, `pm_card_mastercard` | succeeds |
//! | `pm_card_chargeDeclined` | declined, `card_declined` |
//! | `pm_card_chargeDeclinedInsufficientFunds` | declined, `insufficient_funds` |
//! | `pm_card_processingError` | fails (the store answers 502) |
//!
//! For fault tests it can also fail a share of all calls (`OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT`):
//! half of the failed charges fail before charging, half charge and then lose the answer.

use super::provider::{BoxFuture, ChargeOutcome, ChargeRequest, PaymentProvider, ProviderError};
use crate::{
    db::{Db, Upsert, sql},
    ids, time,
};

pub struct TestProvider {
    db: Db,
    failure_percent: u8,
}

impl TestProvider {
    pub fn new(db: Db, failure_percent: u8) -> Self {
        Self { db, failure_percent }
    }

    /// Whether this call is one of the injected failures.
    fn fails(&self) -> bool {
        self.failure_percent > 0
            && u16::from_le_bytes(ids::random_bytes::<2>()) % 100 < u16::from(self.failure_percent)
    }

    async fn charge_now(&self, request: ChargeRequest) -> Result<ChargeOutcome, ProviderError> {
        let injected = self.fails();
        let answer_lost = injected && ids::random_bytes::<1>()[0] & 1 == 1;
        if injected && !answer_lost {
            return Err(ProviderError("injected fault: no charge was made".into()));
        }
        let outcome = match request.payment_method.as_str() {
            "pm_card_visa" | "pm_card_mastercard" => "succeeded",
            "pm_card_chargeDeclined" => "card_declined",
            "pm_card_chargeDeclinedInsufficientFunds" => "insufficient_funds",
            "pm_card_processingError" => return Err(ProviderError("processing_error".into())),
            _ => "invalid_payment_method",
        };
        // The key makes the charge happen once: a repeat changes nothing (the update sets the
        // key to itself) and returns the first charge's answer.
        let reference = ids::new_id("pi_test");
        let (reference, outcome): (String, String) = Upsert {
            name: "test_provider.charge",
            table: "test_provider_charges",
            columns: "idempotency_key, reference, amount, currency, outcome, created_at",
            values: "$1, $2, $3, $4, $5, $6",
            key: "idempotency_key",
            update: Some("idempotency_key = excluded.idempotency_key"),
            returning: Some("reference, outcome"),
        }
        .sql()
        .bind(&request.idempotency_key)
        .bind(&reference)
        .bind(request.amount)
        .bind(&request.currency)
        .bind(outcome)
        .bind(time::now_ms())
        .fetch_one(&self.db)
        .await
        .map_err(|e| ProviderError(format!("test provider storage: {e}")))?;
        if answer_lost {
            return Err(ProviderError("injected fault: charged, but the answer was lost".into()));
        }
        Ok(answer(reference, outcome))
    }

    async fn find(&self, key: &str) -> Result<Option<ChargeOutcome>, ProviderError> {
        if self.fails() {
            return Err(ProviderError("injected fault: the lookup failed".into()));
        }
        self.lookup(key).await
    }

    async fn lookup(&self, key: &str) -> Result<Option<ChargeOutcome>, ProviderError> {
        let row: Option<(String, String)> = sql(
            "test_provider.lookup",
            "SELECT reference, outcome FROM test_provider_charges WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.db)
        .await
        .map_err(|e| ProviderError(format!("test provider storage: {e}")))?;
        Ok(row.map(|(reference, outcome)| answer(reference, outcome)))
    }
}

/// A stored charge as the provider reports it.
fn answer(reference: String, outcome: String) -> ChargeOutcome {
    match outcome.as_str() {
        "succeeded" => ChargeOutcome::Succeeded { reference },
        _ => ChargeOutcome::Declined { code: outcome },
    }
}

impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, ProviderError>> {
        Box::pin(self.charge_now(request))
    }

    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<ChargeOutcome>, ProviderError>> {
        Box::pin(self.find(idempotency_key))
    }

    fn cancel<'a>(&'a self, _reference: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        // Test charges are decided at once; there is never a pending one to cancel.
        Box::pin(async { Ok(()) })
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        _idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            sql("test_provider.refund", "UPDATE test_provider_charges SET refunded = 1 WHERE reference = $1 AND outcome = 'succeeded'")
                .bind(reference)
                .execute(&self.db)
                .await
                .map(drop)
                .map_err(|e| ProviderError(format!("test provider storage: {e}")))
        })
    }
}
