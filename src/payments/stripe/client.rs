//! The `stripe` provider: PaymentIntents over Stripe's REST API (form-encoded requests, JSON
//! answers), with a small client rather than a large SDK crate (TOOLING.md measured that one
//! doubling the build).
//!
//! Every creating call carries an `Idempotency-Key` derived from the order, and network
//! failures, timeouts, 429s and 5xx answers are retried with that same key, so Stripe performs
//! the call at most once however often it is sent.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::{
    config::{Secret, Stripe},
    payments::provider::{BoxFuture, ChargeOutcome, ChargeRequest, PaymentProvider, ProviderError},
};

const ATTEMPTS: u32 = 3;

pub struct StripeProvider {
    http: reqwest::Client,
    base: String,
    key: Secret<String>,
}

impl StripeProvider {
    /// `None` unless a secret key is configured.
    pub fn from_config(config: &Stripe) -> Option<Self> {
        let key = config.secret_key.clone()?;
        // One TLS backend for the whole binary: rustls with ring (lettre uses it too).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().timeout(config.timeout).build().ok()?;
        Some(Self { http, base: config.api_base.clone(), key })
    }

    /// Sends, retrying what may be transient with the same idempotency key. Returns the final
    /// status and JSON body; `Err` only when Stripe could not be reached or kept failing.
    async fn call(
        &self,
        method: Method,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: Option<&str>,
    ) -> Result<(StatusCode, Value), ProviderError> {
        let mut last_error = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
            }
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(self.key.expose());
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if method == Method::GET {
                request = request.query(form);
            } else {
                request = request.form(form);
            }
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                        last_error = format!("stripe answered {status}");
                        continue;
                    }
                    return Ok((status, body));
                }
                Err(e) => {
                    last_error =
                        if e.is_timeout() { "stripe timed out".into() } else { format!("stripe: {e}") }
                }
            }
        }
        Err(ProviderError(last_error))
    }
}

/// What a PaymentIntent's status means for the order.
fn outcome_of(intent: &Value) -> ChargeOutcome {
    let reference = intent["id"].as_str().unwrap_or_default().to_owned();
    match intent["status"].as_str().unwrap_or_default() {
        "succeeded" => ChargeOutcome::Succeeded { reference },
        "requires_action" | "requires_confirmation" | "processing" | "requires_capture" => {
            ChargeOutcome::Pending {
                reference,
                client_secret: intent["client_secret"].as_str().map(str::to_owned),
            }
        }
        _ => ChargeOutcome::Declined { code: decline_code(&intent["last_payment_error"]) },
    }
}

fn decline_code(error: &Value) -> String {
    error["decline_code"].as_str().or(error["code"].as_str()).unwrap_or("payment_failed").to_owned()
}

impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn charge(&self, request: ChargeRequest) -> BoxFuture<'_, Result<ChargeOutcome, ProviderError>> {
        Box::pin(async move {
            let form = [
                ("amount", request.amount.to_string()),
                ("currency", request.currency.clone()),
                ("payment_method", request.payment_method.clone()),
                ("payment_method_types[]", "card".to_owned()),
                ("confirm", "true".to_owned()),
                ("description", request.description.clone()),
                ("metadata[order_id]", request.idempotency_key.clone()),
            ];
            let key = format!("oxcart-charge-{}", request.idempotency_key);
            let (status, body) = self.call(Method::POST, "/v1/payment_intents", &form, Some(&key)).await?;
            if status.is_success() {
                Ok(outcome_of(&body))
            } else {
                // A card error (402) or a refused request (400): nothing was charged.
                Ok(ChargeOutcome::Declined { code: decline_code(&body["error"]) })
            }
        })
    }

    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<Option<ChargeOutcome>, ProviderError>> {
        Box::pin(async move {
            let query = [("query", format!("metadata['order_id']:'{idempotency_key}'"))];
            let (status, body) = self.call(Method::GET, "/v1/payment_intents/search", &query, None).await?;
            if !status.is_success() {
                return Err(ProviderError(format!("stripe search answered {status}")));
            }
            Ok(body["data"].as_array().and_then(|d| d.first()).map(outcome_of))
        })
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let form = [("payment_intent", reference.to_owned())];
            let (status, body) = self.call(Method::POST, "/v1/refunds", &form, Some(idempotency_key)).await?;
            if status.is_success() || body["error"]["code"] == "charge_already_refunded" {
                Ok(())
            } else {
                Err(ProviderError(format!("stripe refused the refund: {}", body["error"]["message"])))
            }
        })
    }

    fn cancel<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let path = format!("/v1/payment_intents/{reference}/cancel");
            let key = format!("oxcart-cancel-{reference}");
            let (status, body) = self.call(Method::POST, &path, &[], Some(&key)).await?;
            if status.is_success() {
                Ok(())
            } else {
                Err(ProviderError(format!("stripe refused to cancel: {}", body["error"]["message"])))
            }
        })
    }
}
