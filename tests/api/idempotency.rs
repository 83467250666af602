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
    let (ann, _) = app.register("ann@example.com").await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Kettle", 3000, 5).await;
    let cart = expect_status(app.post("/v1/carts", Some(&ann), json!({})).await, StatusCode::CREATED).await;
    let items = format!("/v1/carts/{}/items", cart["id"].as_str().expect("id"));
    let line = json!({"variant_id": product["variants"][0]["id"], "quantity": 1});
    let first = post_with_key(&app, &items, Some(&ann), "add-1", line.clone()).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.bytes().await.expect("body");
    let again = post_with_key(&app, &items, Some(&ann), "add-1", line.clone()).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["content-type"], "application/json");
    assert_eq!(again.bytes().await.expect("body"), first_body, "byte for byte");
    let cart = expect_status(
        app.get(&format!("/v1/carts/{}", cart["id"].as_str().expect("id")), Some(&ann)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cart["items"][0]["quantity"], 1, "added once");

    // The same JSON written differently is the same request.
    let respaced = format!(" {{ \"quantity\" : 1 ,\n \"variant_id\": {} }} ", product["variants"][0]["id"]);
    let retry = app
        .client
        .post(app.url(&items))
        .bearer_auth(&ann)
        .header("Idempotency-Key", "add-1")
        .header("content-type", "application/json")
        .body(respaced)
        .send()
        .await
        .expect("sent");
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.bytes().await.expect("body"), first_body);

    let other = json!({"variant_id": product["variants"][0]["id"], "quantity": 2});
    let reused = post_with_key(&app, &items, Some(&ann), "add-1", other).await;
    expect_problem(reused, StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused").await;
    let long = "k".repeat(256);
    let bad = post_with_key(&app, "/v1/carts", None, &long, json!({})).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
}

/// Fresh credentials are never kept, not even sealed: a retried login signs in again, a
/// retried registration is `email_taken` (sign in instead). What is kept, such as a checkout's
/// answer with the order's access token, is sealed under the key: nothing in the table reveals
/// the token, the key or the request, and the replay still gives the token back.
async fn no_secret_is_kept_in_the_clear(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let body = json!({"email": "cy@example.com", "password": "correct horse", "name": "Cy"});
    let first = post_with_key(&app, "/v1/auth/register", None, "signup-1", body.clone()).await;
    expect_status(first, StatusCode::CREATED).await;
    let again = post_with_key(&app, "/v1/auth/register", None, "signup-1", body).await;
    expect_problem(again, StatusCode::CONFLICT, "email_taken").await;
    let login = json!({"email": "cy@example.com", "password": "correct horse"});
    let one = expect_status(
        post_with_key(&app, "/v1/auth/login", None, "in-1", login.clone()).await,
        StatusCode::OK,
    )
    .await;
    let two =
        post_with_key(&app, "/v1/auth/login", Some(one["token"].as_str().expect("token")), "in-1", login)
            .await;
    let two = expect_status(two, StatusCode::OK).await;
    assert_ne!(one["token"], two["token"], "a login runs again; its token is nowhere to replay from");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM idempotency_keys").await, 0);

    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Sealed Box", 1000, 3).await;
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let cart = cart["id"].as_str().expect("id").to_owned();
    let line = json!({"variant_id": product["variants"][0]["id"], "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, line).await, StatusCode::OK).await;
    let order_body = json!({"email": "cy@example.com",
        "shipping_address": {"name": "Cy", "line1": "1 Main St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let path = format!("/v1/carts/{cart}/checkout");
    let key = "3f2b9c1e-8d7a-4b6c-9e0f-1a2b3c4d5e6f";
    let placed =
        expect_status(post_with_key(&app, &path, None, key, order_body.clone()).await, StatusCode::CREATED)
            .await;
    let token = placed["access_token"].as_str().expect("access token").to_owned();
    let replayed =
        expect_status(post_with_key(&app, &path, None, key, order_body).await, StatusCode::CREATED).await;
    assert_eq!(replayed["access_token"], token, "the replay gives the token back");
    let rows: Vec<(String, String, String, String)> = oxcart::db::sql(
        "test.keys",
        "SELECT scope, \"key\", request_hash, COALESCE(body, '') FROM idempotency_keys",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(rows.len(), 1);
    for (scope, stored_key, request_hash, stored_body) in &rows {
        let kept = format!("{scope} {stored_key} {request_hash} {stored_body}");
        for secret in [token.as_str(), key, "Main St", "pm_card_visa", "access_token"] {
            assert!(!kept.contains(secret), "`{secret}` is kept in the clear: {kept}");
        }
    }
}

/// Two guests behind one address (a NAT, a proxy) who happen to send the same key each get
/// their own cart: a guest request with no cart in its path is not kept at all.
async fn guests_never_receive_each_others_answers(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.proxy.hops = 1).await;
    let mut carts = Vec::new();
    for _ in 0..2 {
        let req = app
            .client
            .post(app.url("/v1/carts"))
            .header("Idempotency-Key", "same-key")
            .header("x-forwarded-for", "203.0.113.80");
        let cart = expect_status(req.send().await.expect("sent"), StatusCode::CREATED).await;
        carts.push(cart["id"].clone());
    }
    assert_ne!(carts[0], carts[1], "the second guest got the first guest's cart");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM idempotency_keys").await, 0);
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
    // is planted the way the middleware makes it: the key's digest, the request's HMAC under
    // the key, an owner, and a lease that has not run out.
    let busy_body = body("pm_card_visa");
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(b"busy").expect("hmac");
    for part in
        [b"POST".as_slice(), &[0], path.as_bytes(), &[0], &serde_json::to_vec(&busy_body).expect("json")]
    {
        hmac::Mac::update(&mut mac, part);
    }
    let fingerprint = oxcart::ids::hex(&hmac::Mac::finalize(mac).into_bytes());
    let now = oxcart::time::now_ms();
    oxcart::db::sql(
        "test.busy_key",
        "INSERT INTO idempotency_keys (scope, \"key\", request_hash, owner, locked_until, created_at)
         VALUES ($1, $2, $3, 'someone', $4, $5)",
    )
    .bind(format!("cart:{cart}"))
    .bind(oxcart::ids::hex(&sha2::Sha256::digest(b"busy")))
    .bind(fingerprint)
    .bind(now + 60_000)
    .bind(now)
    .execute(&app.db)
    .await
    .expect("claim");
    let busy = post_with_key(&app, &path, None, "busy", busy_body).await;
    assert_eq!(busy.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    expect_problem(busy, StatusCode::CONFLICT, "idempotency_key_in_use").await;
}

crate::db_tests!(
    a_retried_post_replays_the_first_answer_byte_for_byte,
    no_secret_is_kept_in_the_clear,
    guests_never_receive_each_others_answers,
    keys_belong_to_their_caller,
    checkout_with_a_key_charges_once,
);
