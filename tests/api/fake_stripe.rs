//! A local server that plays Stripe's API for the tests: PaymentIntents (create and confirm,
//! search, cancel) and refunds, answering with bodies shaped like Stripe's documented
//! objects, replaying idempotent requests, and failing on demand (500s, slow answers).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Form, Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

#[derive(Default)]
struct Stripe {
    intents: Vec<Value>,
    /// Idempotency-Key → the first answer, replayed as Stripe does.
    replays: HashMap<String, (StatusCode, Value)>,
    /// Requests to answer with a 500 before behaving (each still creates nothing).
    fail_next: usize,
    /// Requests to answer slowly (longer than the client waits), after creating the intent.
    slow_next: usize,
    refunds: Vec<String>,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    state: Arc<Mutex<Stripe>>,
}

impl FakeStripe {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(Stripe::default()));
        let app = Router::new()
            .route("/v1/payment_intents", post(create_intent))
            .route("/v1/payment_intents/search", get(search_intents))
            .route("/v1/payment_intents/{id}/cancel", post(cancel_intent))
            .route("/v1/refunds", post(create_refund))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake stripe") });
        Self { base, state }
    }

    /// PaymentIntents created: each is at most one charge.
    pub fn intents(&self) -> Vec<Value> {
        self.state.lock().expect("lock").intents.clone()
    }

    pub fn refunds(&self) -> Vec<String> {
        self.state.lock().expect("lock").refunds.clone()
    }

    pub fn fail_next(&self, n: usize) {
        self.state.lock().expect("lock").fail_next = n;
    }

    pub fn slow_next(&self, n: usize) {
        self.state.lock().expect("lock").slow_next = n;
    }

    /// The customer passed 3-D Secure: the intent succeeds. Returns the intent for the event.
    pub fn authenticate(&self, id: &str) -> Value {
        let mut state = self.state.lock().expect("lock");
        let intent = state.intents.iter_mut().find(|i| i["id"] == id).expect("intent");
        intent["status"] = json!("succeeded");
        intent["next_action"] = Value::Null;
        intent.clone()
    }
}

fn intent_for(form: &HashMap<String, String>, n: usize) -> (StatusCode, Value) {
    let id = format!("pi_3Test{n:08}");
    let method = form.get("payment_method").cloned().unwrap_or_default();
    let mut intent = json!({
        "id": id, "object": "payment_intent",
        "amount": form.get("amount").and_then(|a| a.parse::<i64>().ok()).unwrap_or(0),
        "currency": form.get("currency").cloned().unwrap_or_default(),
        "client_secret": format!("{id}_secret_fake"), "confirmation_method": "automatic", "created": 1_700_000_000,
        "description": form.get("description"), "livemode": false,
        "metadata": {"order_id": form.get("metadata[order_id]")},
        "payment_method": method, "payment_method_types": ["card"], "last_payment_error": null,
        "next_action": null, "latest_charge": format!("ch_3Test{n:08}"), "status": "succeeded"
    });
    match method.as_str() {
        "pm_card_threeDSecure2Required" => {
            intent["status"] = json!("requires_action");
            intent["latest_charge"] = Value::Null;
            intent["next_action"] = json!({"type": "use_stripe_sdk", "use_stripe_sdk": {}});
            (StatusCode::OK, intent)
        }
        "pm_card_chargeDeclined" => {
            intent["status"] = json!("requires_payment_method");
            let error = json!({"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                "message": "Your card was declined.", "payment_intent": intent});
            (StatusCode::PAYMENT_REQUIRED, json!({"error": error}))
        }
        _ => (StatusCode::OK, intent),
    }
}

async fn create_intent(
    State(state): State<Arc<Mutex<Stripe>>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (answer, slow) = {
        let mut s = state.lock().expect("lock");
        if s.fail_next > 0 {
            s.fail_next -= 1;
            let error = json!({"error": {"type": "api_error", "message": "An unknown error occurred"}});
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(error)).into_response();
        }
        let answer = match s.replays.get(&key) {
            Some(replayed) => replayed.clone(),
            None => {
                let n = s.intents.len() + 1;
                let (status, body) = intent_for(&form, n);
                let intent =
                    if status.is_success() { body.clone() } else { body["error"]["payment_intent"].clone() };
                s.intents.push(intent);
                s.replays.insert(key, (status, body.clone()));
                (status, body)
            }
        };
        let slow = s.slow_next > 0;
        s.slow_next = s.slow_next.saturating_sub(1);
        (answer, slow)
    };
    if slow {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    (answer.0, Json(answer.1)).into_response()
}

async fn search_intents(
    State(state): State<Arc<Mutex<Stripe>>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("query").cloned().unwrap_or_default();
    let order = query.split('\'').nth(3).unwrap_or_default().to_owned();
    let s = state.lock().expect("lock");
    let data: Vec<Value> =
        s.intents.iter().filter(|i| i["metadata"]["order_id"] == order.as_str()).cloned().collect();
    Json(json!({"object": "search_result", "data": data, "has_more": false, "url": "/v1/payment_intents/search"})).into_response()
}

async fn cancel_intent(State(state): State<Arc<Mutex<Stripe>>>, Path(id): Path<String>) -> Response {
    let mut s = state.lock().expect("lock");
    let Some(intent) = s.intents.iter_mut().find(|i| i["id"] == id.as_str()) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"type": "invalid_request_error", "code": "resource_missing"}})),
        )
            .into_response();
    };
    if intent["status"] == "succeeded" {
        let error = json!({"error": {"type": "invalid_request_error", "code": "payment_intent_unexpected_state",
            "message": "You cannot cancel this PaymentIntent because it has a status of succeeded."}});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    intent["status"] = json!("canceled");
    intent["cancellation_reason"] = json!("abandoned");
    Json(intent.clone()).into_response()
}

async fn create_refund(
    State(state): State<Arc<Mutex<Stripe>>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut s = state.lock().expect("lock");
    if let Some((status, body)) = s.replays.get(&key) {
        return (*status, Json(body.clone())).into_response();
    }
    let intent = form.get("payment_intent").cloned().unwrap_or_default();
    let refund = json!({"id": format!("re_{}", s.refunds.len() + 1), "object": "refund", "payment_intent": intent, "status": "succeeded"});
    s.refunds.push(intent);
    s.replays.insert(key, (StatusCode::OK, refund.clone()));
    Json(refund).into_response()
}
