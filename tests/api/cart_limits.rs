//! What one client can make the store keep is bounded: lines per cart, carts per address, and
//! guest carts nobody comes back to.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, create_product, expect_problem, expect_status, scalar};

/// `n` published variants with stock, across as many products as that takes.
async fn variants(app: &TestApp, admin: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for (p, chunk) in (0..n).collect::<Vec<_>>().chunks(100).enumerate() {
        let variants: Vec<Value> =
            chunk.iter().map(|i| json!({"sku": format!("LINE-{i}"), "price": 100, "stock": 5})).collect();
        let body = json!({"title": format!("Many Lines {p}"), "status": "published", "variants": variants});
        let product = create_product(app, admin, body).await;
        ids.extend(
            product["variants"]
                .as_array()
                .expect("variants")
                .iter()
                .map(|v| v["id"].as_str().expect("id").to_owned()),
        );
    }
    ids
}

async fn add(app: &TestApp, cart: &str, variant: &str) -> reqwest::Response {
    app.post(&format!("/v1/carts/{cart}/items"), None, json!({"variant_id": variant, "quantity": 1})).await
}

/// A cart holds at most 100 different variants, also when adds race; more of a variant already
/// in the cart is still fine.
async fn a_cart_holds_at_most_a_hundred_lines(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let ids = variants(&app, &admin, 110).await;
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let cart = cart["id"].as_str().expect("id").to_owned();
    for variant in &ids[..90] {
        expect_status(add(&app, &cart, variant).await, StatusCode::OK).await;
    }
    let mut racing = tokio::task::JoinSet::new();
    for variant in &ids[90..110] {
        let request = app
            .client
            .post(app.url(&format!("/v1/carts/{cart}/items")))
            .json(&json!({"variant_id": variant, "quantity": 1}));
        racing.spawn(async move {
            let res = request.send().await.expect("sent");
            let status = res.status();
            (status, res.json::<Value>().await.unwrap_or_default())
        });
    }
    let answers = racing.join_all().await;
    let added = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let full = answers.iter().filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "cart_full").count();
    assert_eq!((added, full), (10, 10), "{answers:?}");
    assert!(answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).all(|(_, b)| b["max_lines"] == 100));
    let read = expect_status(app.get(&format!("/v1/carts/{cart}"), None).await, StatusCode::OK).await;
    assert_eq!(read["items"].as_array().expect("items").len(), 100);
    let more = add(&app, &cart, &ids[0]).await;
    assert_eq!(
        expect_status(more, StatusCode::OK).await["items"][0]["quantity"],
        2,
        "an existing line still grows"
    );
}

/// Carts are counted per client address like sign-in attempts: one client cannot fill the
/// table with them, and other clients are unaffected.
async fn carts_are_limited_per_client(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.proxy.hops = 1;
        c.rate_limits.carts_per_ip = 5;
    })
    .await;
    let from = |ip: &'static str| app.client.post(app.url("/v1/carts")).header("x-forwarded-for", ip).send();
    for _ in 0..5 {
        expect_status(from("203.0.113.91").await.expect("sent"), StatusCode::CREATED).await;
    }
    let res = from("203.0.113.91").await.expect("sent");
    assert!(res.headers().contains_key("retry-after"));
    expect_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    expect_status(from("198.51.100.91").await.expect("sent"), StatusCode::CREATED).await;
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM carts").await, 6);
}

/// A guest cart nobody has touched for longer than the TTL is swept by the background loop;
/// a fresh one, a customer's, and one a (failed) order names are kept.
async fn abandoned_guest_carts_are_swept(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.reconcile.every = Duration::from_millis(300)).await;
    let admin = app.admin_token().await;
    let (customer, _) = app.register("keeper@example.com").await;
    let variant = &variants(&app, &admin, 1).await[0];
    let mut carts = Vec::new();
    for token in [None, None, Some(customer.as_str()), None] {
        let mut req = app.client.post(app.url("/v1/carts"));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let cart = expect_status(req.send().await.expect("sent"), StatusCode::CREATED).await;
        let id = cart["id"].as_str().expect("id").to_owned();
        let line = json!({"variant_id": variant, "quantity": 1});
        expect_status(app.post(&format!("/v1/carts/{id}/items"), token, line).await, StatusCode::OK).await;
        carts.push(id);
    }
    let declined = json!({"email": "g@example.com",
        "shipping_address": {"name": "G", "line1": "1 St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": "pm_card_chargeDeclined"}});
    let res = app.post(&format!("/v1/carts/{}/checkout", carts[3]), None, declined).await;
    expect_problem(res, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    let month_ago = oxcart::time::now_ms() - 31 * 24 * 3600 * 1000;
    for id in [&carts[0], &carts[2], &carts[3]] {
        oxcart::db::sql("test.age", "UPDATE carts SET updated_at = $1 WHERE id = $2")
            .bind(month_ago)
            .bind(id)
            .execute(&app.db)
            .await
            .expect("age");
    }
    for _ in 0..50 {
        if scalar(&app.db, "SELECT COUNT(*) FROM carts").await == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    expect_problem(
        app.get(&format!("/v1/carts/{}", carts[0]), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_status(app.get(&format!("/v1/carts/{}", carts[1]), None).await, StatusCode::OK).await;
    expect_status(app.get(&format!("/v1/carts/{}", carts[2]), Some(&customer)).await, StatusCode::OK).await;
    expect_status(app.get(&format!("/v1/carts/{}", carts[3]), None).await, StatusCode::OK).await;
    let lines = scalar(&app.db, "SELECT COUNT(*) FROM cart_items").await;
    assert_eq!(lines, 3, "the swept cart's line went with it");
}

crate::db_tests!(
    a_cart_holds_at_most_a_hundred_lines,
    carts_are_limited_per_client,
    abandoned_guest_carts_are_swept
);
