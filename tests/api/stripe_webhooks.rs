//! `POST /v1/webhooks/stripe`: only correctly signed, fresh events count, and each counts once.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status};

const SECRET: &str = "whsec_test_secret";

async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(sig) = signature {
        req = req.header("Stripe-Signature", sig);
    }
    req.send().await.expect("sent")
}

fn signed(secret: &str, at: i64, body: &str) -> String {
    format!("t={at},v1={}", oxcart::payments::stripe::signature::sign(secret, at, body.as_bytes()))
}

async fn only_signed_fresh_events_are_accepted_once(engine: Engine) {
    let unconfigured = TestApp::spawn(engine).await;
    let body =
        json!({"id": "evt_1", "type": "customer.created", "created": 1, "data": {"object": {}}}).to_string();
    let now = oxcart::time::now_ms() / 1000;
    let res = deliver(&unconfigured, &body, Some(signed(SECRET, now, &body))).await;
    expect_problem(res, StatusCode::BAD_REQUEST, "invalid_signature").await;

    let app = TestApp::spawn_with(engine, |c| {
        c.stripe.webhook_secret = Some(oxcart::config::Secret::new(SECRET.to_owned()));
    })
    .await;
    for (signature, why) in [
        (None, "missing"),
        (Some(signed("whsec_wrong", now, &body)), "wrong secret"),
        (Some(signed(SECRET, now - 301, &body)), "stale"),
        (Some(signed(SECRET, now, "{\"id\":\"evt_other\"}")), "another body"),
        (Some("t=abc,v1=zz".to_owned()), "malformed"),
    ] {
        let res = deliver(&app, &body, signature).await;
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "invalid_signature").await;
        assert!(problem["detail"].is_string(), "{why}");
    }
    let first =
        expect_status(deliver(&app, &body, Some(signed(SECRET, now, &body))).await, StatusCode::OK).await;
    assert_eq!(first, json!({"received": true, "duplicate": false}));
    let again =
        expect_status(deliver(&app, &body, Some(signed(SECRET, now, &body))).await, StatusCode::OK).await;
    assert_eq!(again, json!({"received": true, "duplicate": true}));
    let garbage = "not json";
    let res = deliver(&app, garbage, Some(signed(SECRET, now, garbage))).await;
    expect_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
}

async fn events_never_touch_orders_paid_another_way(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.stripe.webhook_secret = Some(oxcart::config::Secret::new(SECRET.to_owned()));
    })
    .await;
    let admin = app.admin_token().await;
    let product = crate::helpers::simple_product(&app, &admin, "Kettle", 3000, 2).await;
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let cart = cart["id"].as_str().expect("id").to_owned();
    let item = json!({"variant_id": product["variants"][0]["id"], "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, item).await, StatusCode::OK).await;
    let checkout = json!({"email": "a@example.com",
        "shipping_address": {"name": "A", "line1": "1 St", "city": "Lyon", "postal_code": "69001", "country": "FR"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let order = expect_status(
        app.post(&format!("/v1/carts/{cart}/checkout"), None, checkout).await,
        StatusCode::CREATED,
    )
    .await;
    let body = json!({"id": "evt_forged_failure", "type": "payment_intent.payment_failed", "created": 1,
        "data": {"object": {"id": "pi_x", "object": "payment_intent", "metadata": {"order_id": order["id"]},
                            "last_payment_error": {"code": "card_declined"}}}})
    .to_string();
    let now = oxcart::time::now_ms() / 1000;
    expect_status(deliver(&app, &body, Some(signed(SECRET, now, &body))).await, StatusCode::OK).await;
    let after = expect_status(
        app.get(&format!("/v1/admin/orders/{}", order["id"].as_str().expect("id")), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["status"], "paid", "an order paid through the test provider is not Stripe's to change");
}

crate::db_tests!(only_signed_fresh_events_are_accepted_once, events_never_touch_orders_paid_another_way);
