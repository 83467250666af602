//! `Idempotency-Key`: retries replay the first answer; a key never does two different things.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Digest;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status, scalar, simple_product};

async fn post_with_key(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    key: &str,
    body: Value,
) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).header("Idempotency-Key", key).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("sent")
}

async fn a_retried_post_replays_the_first_answer_byte_for_byte(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let body = json!({"email": "ann@example.com", "password": "correct horse", "name": "Ann"});
    let first = post_with_key(&app, "/v1/auth/register", None, "signup-1", body.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.bytes().await.expect("body");
    let again = post_with_key(&app, "/v1/auth/register", None, "signup-1", body.clone()).await;
    assert_eq!(again.status(), StatusCode::CREATED, "replayed, not email_taken");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["content-type"], "application/json");
    assert_eq!(again.bytes().await.expect("body"), first_body, "byte for byte");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM customers").await, 1);

    let other = json!({"email": "bob@example.com", "password": "correct horse", "name": "Bob"});
    let reused = post_with_key(&app, "/v1/auth/register", None, "signup-1", other).await;
    expect_problem(reused, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    let no_key = app.post("/v1/auth/register", None, body).await;
    expect_problem(no_key, StatusCode::CONFLICT, "email_taken").await;
    let long = "k".repeat(256);
    let bad = post_with_key(&app, "/v1/carts", None, &long, json!({})).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
}

async fn keys_belong_to_their_caller(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (ann, _) = app.register("ann@example.com").await;
    let (bob, _) = app.register("bob@example.com").await;
    let app = &app;
    let cart = |token: String| async move {
        let res =
            app.client.post(app.url("/v1/carts")).bearer_auth(token).header("Idempotency-Key", "same-key");
        expect_status(res.send().await.expect("sent"), StatusCode::CREATED).await["id"].clone()
    };
    let (a1, a2, b1) = (cart(ann.clone()).await, cart(ann).await, cart(bob).await);
    assert_eq!(a1, a2, "Ann's retry gets Ann's cart");
    assert_ne!(a1, b1, "Bob's key is Bob's own");
}

async fn checkout_with_a_key_charges_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Clock", 5000, 5).await;
    let variant = product["variants"][0]["id"].clone();
    let new_cart = || async {
        let cart = expect_status(
            app.client.post(app.url("/v1/carts")).send().await.expect("sent"),
            StatusCode::CREATED,
        )
        .await;
        let id = cart["id"].as_str().expect("id").to_owned();
        let items = format!("/v1/carts/{id}/items");
        expect_status(
            app.post(&items, None, json!({"variant_id": variant, "quantity": 1})).await,
            StatusCode::OK,
        )
        .await;
        id
    };
    let body = |method: &str| {
        json!({"email": "ann@example.com",
               "shipping_address": {"name": "Ann", "line1": "1 Main St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
               "payment": {"provider": "test", "payment_method": method}})
    };

    let cart = new_cart().await;
    let path = format!("/v1/carts/{cart}/checkout");
    let first = post_with_key(&app, &path, None, "pay-1", body("pm_card_visa")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = first.text().await.expect("body");
    let again = post_with_key(&app, &path, None, "pay-1", body("pm_card_visa")).await;
    assert_eq!(again.status(), StatusCode::CREATED, "a retry gets the order, not cart_completed");
    assert_eq!(again.text().await.expect("body"), first);
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM test_provider_charges").await, 1);
    let changed = post_with_key(&app, &path, None, "pay-1", body("pm_card_mastercard")).await;
    expect_problem(changed, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;

    // A decline is an answer: replayed, not retried.
    let cart = new_cart().await;
    let path = format!("/v1/carts/{cart}/checkout");
    for _ in 0..2 {
        let res = post_with_key(&app, &path, None, "pay-2", body("pm_card_chargeDeclined")).await;
        expect_problem(res, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    }
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM orders WHERE status = 'failed'").await, 1);
    // A provider failure is not stored: the retry runs again (and is safe to).
    for _ in 0..2 {
        let res = post_with_key(&app, &path, None, "pay-3", body("pm_card_processingError")).await;
        expect_problem(res, StatusCode::BAD_GATEWAY, "payment_provider_error").await;
    }
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM orders WHERE status = 'failed'").await, 3);

    // While the first request with a key is still running, the second is told so. The claim
    // is planted the way the middleware makes it: same scope, same request fingerprint.
    let busy_body = body("pm_card_visa");
    let mut hash = sha2::Sha256::new();
    hash.update("POST");
    hash.update([0]);
    hash.update(&path);
    hash.update([0]);
    hash.update(serde_json::to_vec(&busy_body).expect("json"));
    let hash = oxcart::ids::hex(&hash.finalize());
    sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, 'busy', $2, $3)",
    )
    .bind(format!("cart:{cart}"))
    .bind(hash)
    .bind(oxcart::time::now_ms())
    .execute(app.db.pool())
    .await
    .expect("claim");
    let busy = post_with_key(&app, &path, None, "busy", busy_body).await;
    expect_problem(busy, StatusCode::CONFLICT, "idempotency_key_in_use").await;
}

crate::db_tests!(
    a_retried_post_replays_the_first_answer_byte_for_byte,
    keys_belong_to_their_caller,
    checkout_with_a_key_charges_once,
);
