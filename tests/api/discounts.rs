//! Promotions as shoppers meet them (issue 22): codes on a cart, automatic discounts, the
//! order of operations, refusals with reasons, checkout holding a redemption like a unit of
//! stock, and a limited code raced by two server processes.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{
        Engine, TestApp, TestDatabase, create_category, create_product, expect_problem, expect_status,
        scalar, serve_process, variant_of,
    },
    processes::{arrange, guest_cart},
};

fn money(amount: i64) -> Value {
    json!({"amount": amount, "currency": "usd"})
}

async fn made(app: &TestApp, admin: &str, path: &str, body: Value) -> Value {
    expect_status(app.post(path, Some(admin), body).await, StatusCode::CREATED).await
}

fn checkout(email: &str, payment_method: &str) -> Value {
    json!({"email": email,
        "shipping_address": {"name": "Ola", "line1": "Gate 1", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": payment_method}})
}

/// [subtotal, discount_total, shipping_total, tax_total, total]
fn totals(v: &Value) -> [i64; 5] {
    ["subtotal", "discount_total", "shipping_total", "tax_total", "total"]
        .map(|k| v[k]["amount"].as_i64().expect(k))
}

async fn code_on(app: &TestApp, cart: &str, code: &str) -> reqwest::Response {
    app.post(&format!("/v1/carts/{cart}/promotion-codes"), None, json!({"code": code})).await
}

async fn refused(res: reqwest::Response, reason: &str) -> Value {
    let problem = expect_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "promotion_not_applicable").await;
    assert_eq!(problem["reason"], reason, "{problem}");
    problem
}

async fn codes_and_automatic_discounts_add_up_and_checkout_charges_them(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.mail.outbox.poll = Duration::from_millis(20)).await;
    let admin = app.admin_token().await;
    // Norway, 10% tax added, shipping 5.00.
    let region = json!({"name": "Norway", "countries": [{"code": "NO"}], "tax_mode": "exclusive",
                        "tax_rates": [{"tax_class": "standard", "name": "MVA", "rate_bps": 1000}]});
    let region = made(&app, &admin, "/v1/admin/regions", region).await;
    let options = format!("/v1/admin/regions/{}/shipping-options", region["id"].as_str().expect("id"));
    made(&app, &admin, &options, json!({"name": "Posten", "price_type": "flat", "amount": 500})).await;
    let mugs = create_category(&app, &admin, json!({"name": "Mugs"})).await;
    let mug = json!({"title": "Mug", "status": "published", "category_ids": [mugs["id"]],
                     "variants": [{"sku": "MUG", "price": 2000, "stock": 50}]});
    let mug = variant_of(&create_product(&app, &admin, mug).await);
    let shirt = json!({"title": "Shirt", "status": "published", "variants": [{"sku": "SHIRT", "price": 3000, "stock": 50}]});
    let shirt = variant_of(&create_product(&app, &admin, shirt).await);

    let free = json!({"name": "Free shipping from 40.00", "class": "shipping", "type": "free_shipping",
        "trigger": "automatic", "min_subtotal": 4000, "combines_with": ["product", "order"]});
    made(&app, &admin, "/v1/admin/promotions", free).await;
    let welcome = json!({"name": "Welcome 10%", "class": "order", "type": "percentage", "percentage_bps": 1000,
        "trigger": "code", "code": "WELCOME10", "combines_with": ["shipping"], "per_customer_limit": 1});
    let welcome = made(&app, &admin, "/v1/admin/promotions", welcome).await;
    let small = json!({"name": "1.00 off", "class": "order", "type": "fixed", "amount": 100, "trigger": "code", "code": "SMALL1"});
    made(&app, &admin, "/v1/admin/promotions", small).await;
    let old = json!({"name": "Old", "class": "order", "type": "fixed", "amount": 100, "trigger": "code", "code": "OLD1",
        "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-02-01T00:00:00Z"});
    made(&app, &admin, "/v1/admin/promotions", old).await;
    let mug_sale = json!({"name": "Mugs 50%", "class": "product", "type": "percentage", "percentage_bps": 5000,
        "trigger": "code", "code": "MUGS50", "category_ids": [mugs["id"]], "min_quantity": 2});
    made(&app, &admin, "/v1/admin/promotions", mug_sale).await;

    let cart = expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
    let cart = cart["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/carts/{cart}");
    for variant in [&mug, &shirt] {
        let line = json!({"variant_id": variant, "quantity": 1});
        expect_status(app.post(&format!("{path}/items"), None, line).await, StatusCode::OK).await;
    }
    let address = format!("{path}/shipping-address");
    let put = app.request(Method::PUT, &address, None, Some(json!({"country": "NO"}))).await;
    let read = expect_status(put, StatusCode::OK).await;
    // 50.00 of items ships free by itself: 5.00 off the 5.00 shipping; tax 10% of 50.00.
    assert_eq!(totals(&read), [5000, 500, 500, 500, 5500]);
    assert_eq!(read["discounts"][0]["name"], "Free shipping from 40.00");
    assert_eq!(read["shipping_option"]["discount"], money(500));

    // A code: 10% of the items, spread over the lines by what each costs; shipping still free
    // (45.00 after the discount is over 40.00); tax on the discounted items.
    let read = expect_status(code_on(&app, &cart, " welcome10 ").await, StatusCode::OK).await;
    assert_eq!(totals(&read), [5000, 1000, 500, 450, 4950]);
    assert_eq!(read["promotion_codes"], json!([{"code": "WELCOME10", "applies": true, "reason": null}]));
    let discounts: Vec<(&str, i64)> = read["discounts"]
        .as_array()
        .expect("discounts")
        .iter()
        .map(|d| (d["class"].as_str().expect("class"), d["amount"]["amount"].as_i64().expect("amount")))
        .collect();
    assert_eq!(discounts, [("order", 500), ("shipping", 500)]);
    assert_eq!(
        (read["items"][0]["discount"].clone(), read["items"][1]["discount"].clone()),
        (money(200), money(300))
    );

    // Refused codes leave the cart as it was, each with its reason.
    refused(code_on(&app, &cart, "NOPE1234").await, "unknown_code").await;
    refused(code_on(&app, &cart, "old1").await, "expired").await;
    refused(code_on(&app, &cart, "SMALL1").await, "not_combinable").await;
    refused(code_on(&app, &cart, "MUGS50").await, "minimum_not_met").await;
    let res = code_on(&app, &cart, "no spaces allowed").await;
    expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    let read = expect_status(app.get(&path, None).await, StatusCode::OK).await;
    assert_eq!(read["promotion_codes"].as_array().map(Vec::len), Some(1));
    assert_eq!(totals(&read), [5000, 1000, 500, 450, 4950]);

    let order = expect_status(
        app.post(&format!("{path}/checkout"), None, checkout("ola@example.com", "pm_card_visa")).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(totals(&order), [5000, 1000, 500, 450, 4950]);
    assert_eq!(order["discounts"].as_array().map(Vec::len), Some(2));
    assert_eq!(order["discounts"][0]["code"], "WELCOME10");
    assert_eq!(scalar(&app.db, "SELECT amount FROM test_provider_charges").await, 4950);
    // The confirmation names each promotion and what it took off.
    let mail = crate::helpers::first_mail(&app).await;
    for row in
        ["Welcome 10% (WELCOME10): -5.00 USD", "Free shipping from 40.00: -5.00 USD", "Total: 49.50 USD"]
    {
        assert!(mail.contains(row), "{row} in {mail}");
    }
    let usage = format!("/v1/admin/promotions/{}", welcome["id"].as_str().expect("id"));
    let read = expect_status(app.get(&usage, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read["usage"], json!({"used": 1, "held": 0, "remaining": null}));

    // Once per customer: the same email cannot use it again; a declined payment gives a
    // redemption back.
    let again = expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
    let again = again["id"].as_str().expect("id").to_owned();
    let line = json!({"variant_id": shirt, "quantity": 2});
    expect_status(app.post(&format!("/v1/carts/{again}/items"), None, line).await, StatusCode::OK).await;
    expect_status(code_on(&app, &again, "WELCOME10").await, StatusCode::OK).await;
    let res = app
        .post(&format!("/v1/carts/{again}/checkout"), None, checkout("OLA@example.com", "pm_card_visa"))
        .await;
    refused(res, "usage_limit_reached").await;
    let res = app
        .post(
            &format!("/v1/carts/{again}/checkout"),
            None,
            checkout("kari@example.com", "pm_card_chargeDeclined"),
        )
        .await;
    expect_problem(res, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    let read = expect_status(app.get(&usage, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(
        read["usage"],
        json!({"used": 1, "held": 0, "remaining": null}),
        "the declined one was released"
    );
    let released = "SELECT COUNT(*) FROM promotion_redemptions WHERE status = 'released'";
    assert_eq!(scalar(&app.db, released).await, 2, "the code, and the free shipping it had too");
    let code_path = format!("/v1/carts/{again}/promotion-codes/welcome10");
    let removed = app.request(Method::DELETE, &code_path, None, None).await;
    let read = expect_status(removed, StatusCode::OK).await;
    assert_eq!(read["promotion_codes"], json!([]));
}

/// Sixty buyers on two server processes race for a code limited to ten redemptions: exactly
/// ten orders get it; the others are told it is used up and are charged nothing.
async fn two_processes_never_redeem_a_code_past_its_limit(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let servers = [serve_process(&db, &[]).await, serve_process(&db, &[]).await];
    let client = crate::helpers::http_client(Duration::from_secs(90));
    let (token, variant) = arrange(&db, &client, &servers[0], 100).await;
    let promotion = json!({"name": "First ten", "class": "order", "type": "percentage", "percentage_bps": 5000,
        "trigger": "code", "code": "FIRST10", "usage_limit": 10});
    let res =
        client.post(format!("{}/v1/admin/promotions", servers[0].base)).bearer_auth(&token).json(&promotion);
    let promotion = expect_status(res.send().await.expect("promotion"), StatusCode::CREATED).await;
    let mut carts = Vec::new();
    for i in 0..60 {
        let server = &servers[i % 2];
        let cart = guest_cart(&client, server, &variant).await;
        let res = client
            .post(format!("{}/v1/carts/{cart}/promotion-codes", server.base))
            .json(&json!({"code": "FIRST10"}));
        expect_status(res.send().await.expect("code"), StatusCode::OK).await;
        carts.push(cart);
    }
    let mut racers = tokio::task::JoinSet::new();
    for (i, cart) in carts.iter().enumerate() {
        let body = checkout(&format!("buyer{i}@example.com"), "pm_card_visa");
        let request = client.post(format!("{}/v1/carts/{cart}/checkout", servers[i % 2].base)).json(&body);
        racers.spawn(async move {
            let res = request.send().await.expect("sent");
            (res.status(), res.json::<Value>().await.ok())
        });
    }
    let answers = racers.join_all().await;
    let paid = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let used_up = answers
        .iter()
        .filter(|(s, b)| {
            *s == StatusCode::UNPROCESSABLE_ENTITY
                && b.as_ref().is_some_and(|b| b["reason"] == "usage_limit_reached")
        })
        .count();
    assert_eq!((paid, used_up), (10, 50), "{answers:?}");
    let pool = db.connect().await;
    let room = "SELECT COUNT(*) FROM promotion_slots WHERE redeemed < capacity";
    assert_eq!(scalar(&pool, room).await, 0, "its slots are full");
    let over = "SELECT COUNT(*) FROM promotion_slots WHERE redeemed > capacity";
    assert_eq!(scalar(&pool, over).await, 0);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM promotion_redemptions WHERE status = 'held'").await, 0);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM promotion_redemptions WHERE status = 'used'").await, 10);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 10);
    assert_eq!(
        scalar(&pool, "SELECT COUNT(*) FROM orders WHERE discount_total = 750").await,
        10,
        "half of 15.00"
    );
    pool.close().await;
    let usage = client.get(format!(
        "{}/v1/admin/promotions/{}",
        servers[1].base,
        promotion["id"].as_str().expect("id")
    ));
    let usage = expect_status(usage.bearer_auth(&token).send().await.expect("usage"), StatusCode::OK).await;
    assert_eq!(usage["usage"], json!({"used": 10, "held": 0, "remaining": 0}));
}

/// A limit set on a promotion that has been redeemed counts what it has redeemed already (and
/// not what was released), in all and per customer; a declined payment gives its redemption
/// back; the admin lists them all.
async fn a_limit_set_later_counts_the_redemptions_already_made(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let region =
        json!({"name": "Norway", "countries": [{"code": "NO"}], "tax_mode": "exclusive", "tax_rates": []});
    let region = made(&app, &admin, "/v1/admin/regions", region).await;
    let options = format!("/v1/admin/regions/{}/shipping-options", region["id"].as_str().expect("id"));
    made(&app, &admin, &options, json!({"name": "Posten", "price_type": "flat", "amount": 500})).await;
    let cap = json!({"title": "Cap", "status": "published", "variants": [{"sku": "CAP", "price": 2000, "stock": 50}]});
    let cap = variant_of(&create_product(&app, &admin, cap).await);
    let sale = json!({"name": "Sale 10%", "class": "order", "type": "percentage", "percentage_bps": 1000,
        "trigger": "automatic"});
    let sale = made(&app, &admin, "/v1/admin/promotions", sale).await;
    let sale_path = format!("/v1/admin/promotions/{}", sale["id"].as_str().expect("id"));
    let buy = |email: &'static str, method: &'static str| {
        let (app, cap) = (&app, &cap);
        async move {
            let cart = expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
            let path = format!("/v1/carts/{}", cart["id"].as_str().expect("id"));
            let line = json!({"variant_id": cap, "quantity": 1});
            expect_status(app.post(&format!("{path}/items"), None, line).await, StatusCode::OK).await;
            app.post(&format!("{path}/checkout"), None, checkout(email, method)).await
        }
    };
    for email in ["a@example.com", "b@example.com"] {
        let order = expect_status(buy(email, "pm_card_visa").await, StatusCode::CREATED).await;
        assert_eq!(order["discount_total"], money(200));
    }
    let declined = buy("c@example.com", "pm_card_chargeDeclined").await;
    expect_problem(declined, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;

    let limited = app.request(Method::PATCH, &sale_path, Some(&admin), Some(json!({"usage_limit": 3}))).await;
    let limited = expect_status(limited, StatusCode::OK).await;
    assert_eq!(limited["usage"], json!({"used": 2, "held": 0, "remaining": 1}));
    // A declined payment takes the last one and gives it back.
    let declined = buy("f@example.com", "pm_card_chargeDeclined").await;
    expect_problem(declined, StatusCode::PAYMENT_REQUIRED, "payment_declined").await;
    let third = expect_status(buy("d@example.com", "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(third["discount_total"], money(200), "the third of three");
    let fourth = expect_status(buy("e@example.com", "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(fourth["discount_total"], money(0), "the limit counted the two before it was set");
    assert_eq!(fourth["discounts"], json!([]));

    let listed =
        expect_status(app.get(&format!("{sale_path}/redemptions"), Some(&admin)).await, StatusCode::OK).await;
    let statuses: Vec<&str> = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["used", "released", "released", "used", "used"], "newest first");
    let newest = &listed["data"][0];
    assert_eq!(newest["order_id"], third["id"]);
    assert_eq!((&newest["guest_email"], &newest["customer_id"]), (&json!("d@example.com"), &Value::Null));
    assert_eq!((&newest["amount"], &newest["code"]), (&money(200), &Value::Null));
    let used = format!("{sale_path}/redemptions?status=used&limit=2");
    let page = expect_status(app.get(&used, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let rest =
        expect_status(app.get(&format!("{used}&cursor={cursor}"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!((rest["data"].as_array().map(Vec::len), &rest["next_cursor"]), (Some(1), &Value::Null));

    // Once per customer from now on, without the limit in all: those who had it already count.
    let change = json!({"usage_limit": null, "per_customer_limit": 1});
    let changed = app.request(Method::PATCH, &sale_path, Some(&admin), Some(change)).await;
    assert_eq!(expect_status(changed, StatusCode::OK).await["usage"]["remaining"], Value::Null);
    let again = expect_status(buy("a@example.com", "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(again["discount_total"], money(0), "a@ had it before the limit was set");
    let new = expect_status(buy("g@example.com", "pm_card_visa").await, StatusCode::CREATED).await;
    assert_eq!(new["discount_total"], money(200));
    let bad = app.get(&format!("{sale_path}/redemptions?status=spent"), Some(&admin)).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
    let missing = app.get("/v1/admin/promotions/promo_missing/redemptions", Some(&admin)).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

crate::db_tests!(
    codes_and_automatic_discounts_add_up_and_checkout_charges_them,
    a_limit_set_later_counts_the_redemptions_already_made,
    two_processes_never_redeem_a_code_past_its_limit,
);
