//! The `stripe` provider against a fake Stripe: exactly one charge through retries and
//! timeouts, declines, 3-D Secure settled by the webhook, abandoned authentication released by
//! the reconciler, a late success refunded, and refunds on cancel.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    fake_stripe::FakeStripe,
    helpers::{Engine, TestApp, expect_problem, expect_status, scalar, simple_product},
};

const SECRET: &str = "whsec_fake";

async fn app_with_stripe(engine: Engine, stripe: &FakeStripe, release_after: Duration) -> TestApp {
    let base = stripe.base.clone();
    TestApp::spawn_with(engine, move |c| {
        c.stripe.secret_key = Some(oxcart::config::Secret::new("sk_test_fake".to_owned()));
        c.stripe.webhook_secret = Some(oxcart::config::Secret::new(SECRET.to_owned()));
        c.stripe.api_base = base;
        c.stripe.timeout = Duration::from_millis(500);
        c.reconcile.every = Duration::from_millis(200);
        c.reconcile.after = Duration::from_millis(100);
        c.reconcile.release_unpaid_after = release_after;
    })
    .await
}

async fn cart(app: &TestApp, variant: &Value) -> String {
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let id = cart["id"].as_str().expect("id").to_owned();
    let item = json!({"variant_id": variant, "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{id}/items"), None, item).await, StatusCode::OK).await;
    id
}

async fn pay(app: &TestApp, cart: &str, method: &str) -> reqwest::Response {
    let body = json!({"email": "s@example.com",
        "shipping_address": {"name": "S", "line1": "1 St", "city": "Graz", "postal_code": "8010", "country": "AT"},
        "payment": {"provider": "stripe", "payment_method": method}});
    app.post(&format!("/v1/carts/{cart}/checkout"), None, body).await
}

async fn webhook(app: &TestApp, id: &str, kind: &str, intent: &Value) -> Value {
    let body = json!({"id": id, "object": "event", "type": kind, "created": 1_700_000_000, "data": {"object": intent}}).to_string();
    let now = oxcart::time::now_ms() / 1000;
    let signature =
        format!("t={now},v1={}", oxcart::payments::stripe::signature::sign(SECRET, now, body.as_bytes()));
    let res = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("Stripe-Signature", signature)
        .body(body)
        .send();
    expect_status(res.await.expect("sent"), StatusCode::OK).await
}

async fn charges_go_through_once_despite_errors_and_timeouts(engine: Engine) {
    let stripe = FakeStripe::start().await;
    let app = app_with_stripe(engine, &stripe, Duration::from_secs(600)).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Stripe Lamp", 4200, 10).await;
    let variant = &product["variants"][0]["id"];

    let order =
        expect_status(pay(&app, &cart(&app, variant).await, "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(
        (order["status"].clone(), order["payment"]["provider"].clone()),
        (json!("paid"), json!("stripe"))
    );
    assert_eq!(stripe.intents()[0]["amount"], 4200);
    assert_eq!(stripe.intents()[0]["metadata"]["order_id"], order["id"]);

    stripe.fail_next(2);
    expect_status(pay(&app, &cart(&app, variant).await, "pm_card_visa").await, StatusCode::CREATED).await;
    stripe.slow_next(1);
    expect_status(pay(&app, &cart(&app, variant).await, "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(
        stripe.intents().len(),
        3,
        "500s and a timeout were retried with the same key: one charge each"
    );

    let declined = pay(&app, &cart(&app, variant).await, "pm_card_chargeDeclined").await;
    let declined = expect_problem(declined, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    assert_eq!(declined["decline_code"], "generic_decline");

    stripe.fail_next(100);
    let down = pay(&app, &cart(&app, variant).await, "pm_card_visa").await;
    expect_problem(down, StatusCode::BAD_GATEWAY, "payment_provider_error").await;
    stripe.fail_next(0);
    assert_eq!(stripe.intents().len(), 4, "nothing charged while Stripe was down");
    assert_eq!(scalar(&app.db, "SELECT reserved FROM inventory_levels").await, 0, "nothing left held");
    assert_eq!(scalar(&app.db, "SELECT on_hand FROM inventory_levels").await, 7);

    let cancel = app
        .client
        .post(app.url(&format!("/v1/admin/orders/{}/cancel", order["id"].as_str().expect("id"))))
        .bearer_auth(&admin);
    let cancelled = expect_status(cancel.send().await.expect("sent"), StatusCode::OK).await;
    assert_eq!(cancelled["payment"]["status"], "refunded");
    assert_eq!(stripe.refunds(), [stripe.intents()[0]["id"].as_str().expect("pi").to_owned()]);
}

async fn three_d_secure_is_settled_by_the_webhook_once(engine: Engine) {
    let stripe = FakeStripe::start().await;
    let app = app_with_stripe(engine, &stripe, Duration::from_secs(600)).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Secure Safe", 9900, 3).await;
    let cart = cart(&app, &product["variants"][0]["id"]).await;
    let waiting =
        expect_status(pay(&app, &cart, "pm_card_threeDSecure2Required").await, StatusCode::ACCEPTED).await;
    assert_eq!(waiting["status"], "pending_payment");
    assert!(waiting["payment"]["client_secret"].as_str().expect("client secret").contains("_secret_"));
    assert_eq!(
        scalar(&app.db, "SELECT reserved FROM inventory_levels").await,
        1,
        "the unit is held meanwhile"
    );
    let again = pay(&app, &cart, "pm_card_visa").await;
    expect_problem(again, StatusCode::CONFLICT, "cart_completed").await;

    let intent = stripe.authenticate(stripe.intents()[0]["id"].as_str().expect("pi"));
    assert_eq!(webhook(&app, "evt_1", "payment_intent.succeeded", &intent).await["duplicate"], false);
    assert_eq!(webhook(&app, "evt_1", "payment_intent.succeeded", &intent).await["duplicate"], true);
    // Stripe may send a second event for the same success, and late failures: nothing changes.
    webhook(&app, "evt_2", "payment_intent.succeeded", &intent).await;
    webhook(&app, "evt_3", "payment_intent.payment_failed", &intent).await;
    let order =
        app.get(&format!("/v1/admin/orders/{}", waiting["id"].as_str().expect("id")), Some(&admin)).await;
    let order = expect_status(order, StatusCode::OK).await;
    assert_eq!(
        (order["status"].clone(), order["payment"]["status"].clone()),
        (json!("paid"), json!("succeeded"))
    );
    assert_eq!(scalar(&app.db, "SELECT on_hand FROM inventory_levels").await, 2, "sold once");
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.paid'").await,
        1,
        "one confirmation"
    );
    assert_eq!(stripe.intents().len(), 1);
}

async fn abandoned_authentication_is_released_and_a_late_success_refunded(engine: Engine) {
    let stripe = FakeStripe::start().await;
    let app = app_with_stripe(engine, &stripe, Duration::from_millis(300)).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Slow Decider", 1500, 2).await;
    let cart = cart(&app, &product["variants"][0]["id"]).await;
    let waiting =
        expect_status(pay(&app, &cart, "pm_card_threeDSecure2Required").await, StatusCode::ACCEPTED).await;
    let order_path = format!("/v1/admin/orders/{}", waiting["id"].as_str().expect("id"));
    let mut order = Value::Null;
    for _ in 0..100 {
        order = expect_status(app.get(&order_path, Some(&admin)).await, StatusCode::OK).await;
        if order["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(order["status"], "failed", "the reconciler gave up on the authentication");
    assert_eq!(stripe.intents()[0]["status"], "canceled", "and cancelled it at Stripe first");
    assert_eq!(scalar(&app.db, "SELECT reserved FROM inventory_levels").await, 0, "the unit is free again");
    let reopened = expect_status(app.get(&format!("/v1/carts/{cart}"), None).await, StatusCode::OK).await;
    assert_eq!(reopened["order_id"], Value::Null);

    // Had the customer succeeded at the last moment, the money must not stay without an order.
    let mut late = stripe.intents()[0].clone();
    late["status"] = json!("succeeded");
    webhook(&app, "evt_late", "payment_intent.succeeded", &late).await;
    assert_eq!(stripe.refunds(), [late["id"].as_str().expect("pi").to_owned()]);
    let order = expect_status(app.get(&order_path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(order["status"], "failed");
}

crate::db_tests!(
    charges_go_through_once_despite_errors_and_timeouts,
    three_d_secure_is_settled_by_the_webhook_once,
    abandoned_authentication_is_released_and_a_late_success_refunded,
);
