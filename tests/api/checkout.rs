//! Checkout and orders: paying once, never overselling, and keeping orders private.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestApp, expect_problem, expect_status, fields_of, scalar, simple_product, variant_of,
};

fn checkout_body(payment_method: &str) -> Value {
    json!({
        "email": "ann@example.com",
        "shipping_address": {"name": "Ann Smith", "line1": "1 Main St", "city": "Berlin",
                             "postal_code": "10115", "country": "de"},
        "payment": {"provider": "test", "payment_method": payment_method}
    })
}

/// A cart (owned by `token`'s customer, or a guest's) holding `quantity` of the variant.
async fn cart_with(app: &TestApp, token: Option<&str>, variant: &str, quantity: i64) -> String {
    let mut req = app.client.post(app.url("/v1/carts"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let cart = expect_status(req.send().await.expect("sent"), StatusCode::CREATED).await;
    let id = cart["id"].as_str().expect("id").to_owned();
    let items = format!("/v1/carts/{id}/items");
    let add = app.post(&items, token, json!({"variant_id": variant, "quantity": quantity})).await;
    expect_status(add, StatusCode::OK).await;
    id
}

async fn stock(app: &TestApp, admin: &str, product: &Value) -> (i64, i64) {
    let list =
        expect_status(app.get("/v1/admin/inventory?limit=100", Some(admin)).await, StatusCode::OK).await;
    let level = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|l| l["variant_id"] == product["variants"][0]["id"])
        .expect("level")
        .clone();
    (level["on_hand"].as_i64().expect("on_hand"), level["reserved"].as_i64().expect("reserved"))
}

async fn a_guest_pays_once_and_reads_the_order_with_its_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let lamp = simple_product(&app, &admin, "Brass Lamp", 4500, 5).await;
    let cart = cart_with(&app, None, &variant_of(&lamp), 2).await;
    let res = app.post(&format!("/v1/carts/{cart}/checkout"), None, checkout_body("pm_card_visa")).await;
    let order = expect_status(res, StatusCode::CREATED).await;
    let id = order["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("ord_"));
    assert_eq!(order["status"], "paid");
    assert!(order["number"].as_i64().expect("number") >= 1001);
    assert_eq!(order["email"], "ann@example.com");
    assert_eq!(order["shipping_address"]["country"], "DE");
    assert_eq!(order["total"], json!({"amount": 9000, "currency": "usd"}));
    assert_eq!(order["payment"], json!({"provider": "test", "status": "succeeded"}));
    let item = &order["items"][0];
    assert_eq!((item["title"].clone(), item["quantity"].clone()), (json!("Brass Lamp"), json!(2)));
    assert_eq!(
        (item["unit_price"]["amount"].clone(), item["line_total"]["amount"].clone()),
        (json!(4500), json!(9000))
    );
    assert_eq!(item["sku"], lamp["variants"][0]["sku"]);
    let token = order["access_token"].as_str().expect("access token").to_owned();
    assert_eq!(stock(&app, &admin, &lamp).await, (3, 0), "two sold, nothing left reserved");
    // Checkout answers from what it wrote, without reading the order back: it must match.
    let stored =
        expect_status(app.get(&format!("/v1/orders/{id}?token={token}"), None).await, StatusCode::OK).await;
    let mut answered = order.clone();
    answered.as_object_mut().expect("an object").remove("access_token");
    assert_eq!(answered, stored, "the checkout's answer is the order as stored");

    let again = app.post(&format!("/v1/carts/{cart}/checkout"), None, checkout_body("pm_card_visa")).await;
    let again = expect_problem(again, StatusCode::CONFLICT, "cart_completed").await;
    assert_eq!(again["order_id"], id.as_str());
    let add = app
        .post(
            &format!("/v1/carts/{cart}/items"),
            None,
            json!({"variant_id": variant_of(&lamp), "quantity": 1}),
        )
        .await;
    expect_problem(add, StatusCode::CONFLICT, "cart_completed").await;
    let cart_view = expect_status(app.get(&format!("/v1/carts/{cart}"), None).await, StatusCode::OK).await;
    assert_eq!((cart_view["status"].clone(), cart_view["order_id"].clone()), (json!("completed"), json!(id)));
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM test_provider_charges").await, 1, "charged once");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.paid'").await, 1);
    let metrics = app.metrics().await;
    for line in [
        r#"oxcart_orders{status="paid"} 1"#,
        r#"oxcart_payments{status="succeeded"} 1"#,
        "oxcart_outbox_backlog ",
    ] {
        assert!(metrics.contains(line), "{line} missing from:\n{metrics}");
    }

    let price = format!("/v1/admin/variants/{}", variant_of(&lamp));
    expect_status(
        app.request(Method::PATCH, &price, Some(&admin), Some(json!({"price": 9999}))).await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/v1/orders/{id}");
    let read = expect_status(app.get(&format!("{path}?token={token}"), None).await, StatusCode::OK).await;
    assert_eq!(read["items"][0]["unit_price"]["amount"], 4500, "the order keeps the price paid");
    assert!(read.get("access_token").is_none(), "the token is shown once");
    expect_problem(app.get(&path, None).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_problem(
        app.get(&format!("{path}?token=ordtok_wrong"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let (stranger, _) = app.register("stranger@example.com").await;
    expect_problem(app.get(&path, Some(&stranger)).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
}

async fn declined_and_failed_payments_leave_everything_as_it_was(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let vase = simple_product(&app, &admin, "Glass Vase", 3000, 4).await;
    let (ann, _) = app.register("ann@example.com").await;
    let cart = cart_with(&app, Some(&ann), &variant_of(&vase), 3).await;
    let checkout = format!("/v1/carts/{cart}/checkout");
    for (method, status, code) in [
        ("pm_card_chargeDeclined", StatusCode::PAYMENT_REQUIRED, "payment_declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", StatusCode::PAYMENT_REQUIRED, "payment_declined"),
        ("pm_card_processingError", StatusCode::BAD_GATEWAY, "payment_provider_error"),
    ] {
        let res = app.post(&checkout, Some(&ann), checkout_body(method)).await;
        expect_problem(res, status, code).await;
        assert_eq!(stock(&app, &admin, &vase).await, (4, 0), "{method}: stock released at once");
        let cart_view =
            expect_status(app.get(&format!("/v1/carts/{cart}"), Some(&ann)).await, StatusCode::OK).await;
        assert_eq!(
            (cart_view["status"].clone(), cart_view["order_id"].clone()),
            (json!("open"), Value::Null),
            "{method}"
        );
    }
    let mine = expect_status(app.get("/v1/me/orders", Some(&ann)).await, StatusCode::OK).await;
    assert_eq!(mine["data"], json!([]), "no order is shown for a failed payment");
    let failed =
        expect_status(app.get("/v1/admin/orders?status=failed", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(failed["data"].as_array().expect("data").len(), 3, "admins can see the attempts");

    let paid = app.post(&checkout, Some(&ann), checkout_body("pm_card_mastercard")).await;
    let paid = expect_status(paid, StatusCode::CREATED).await;
    assert_eq!(stock(&app, &admin, &vase).await, (1, 0));
    // A cart filled as a guest and paid after signing in is the customer's order too.
    let guest_cart = cart_with(&app, None, &variant_of(&vase), 1).await;
    let res = app
        .post(&format!("/v1/carts/{guest_cart}/checkout"), Some(&ann), checkout_body("pm_card_visa"))
        .await;
    let adopted = expect_status(res, StatusCode::CREATED).await;
    let mine = expect_status(app.get("/v1/me/orders", Some(&ann)).await, StatusCode::OK).await;
    let ids: Vec<&Value> = mine["data"].as_array().expect("data").iter().map(|o| &o["id"]).collect();
    assert_eq!(ids, [&adopted["id"], &paid["id"]], "newest first");
}

async fn checkout_input_and_stock_are_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let cup = simple_product(&app, &admin, "Tea Cup", 800, 3).await;
    let cart = cart_with(&app, None, &variant_of(&cup), 3).await;
    let checkout = format!("/v1/carts/{cart}/checkout");
    let bad = json!({"email": "nope", "shipping_address": {"name": "", "line1": "x", "city": "y", "postal_code": "1",
                     "country": "XX"}, "payment": {"provider": "paypal", "payment_method": "pm_card_visa"}});
    let problem =
        expect_problem(app.post(&checkout, None, bad).await, StatusCode::BAD_REQUEST, "validation_failed")
            .await;
    assert_eq!(
        fields_of(&problem),
        ["email", "shipping_address.name", "shipping_address.country", "payment.provider"]
    );
    let mut sneaky = checkout_body("pm_card_visa");
    sneaky["total"] = json!(1);
    expect_problem(app.post(&checkout, None, sneaky).await, StatusCode::BAD_REQUEST, "validation_failed")
        .await;

    // Someone else bought two meanwhile (an adjustment stands in for them).
    let adjust = format!("/v1/admin/inventory/{}/adjustments", variant_of(&cup));
    expect_status(
        app.post(&adjust, Some(&admin), json!({"delta": -2, "reason": "broken"})).await,
        StatusCode::OK,
    )
    .await;
    let short = expect_problem(
        app.post(&checkout, None, checkout_body("pm_card_visa")).await,
        StatusCode::CONFLICT,
        "out_of_stock",
    )
    .await;
    assert_eq!(fields_of(&short), ["items[0].quantity"]);
    assert!(short["errors"][0]["message"].as_str().expect("message").contains("only 1"), "{short}");
    assert_eq!(stock(&app, &admin, &cup).await, (1, 0), "nothing held");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM orders").await, 0);

    let empty =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let res = app
        .post(
            &format!("/v1/carts/{}/checkout", empty["id"].as_str().expect("id")),
            None,
            checkout_body("pm_card_visa"),
        )
        .await;
    expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    let res = app.post("/v1/carts/cart_nope/checkout", None, checkout_body("pm_card_visa")).await;
    expect_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

async fn admins_fulfil_and_cancel_paid_orders(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let kite = simple_product(&app, &admin, "Red Kite", 2000, 10).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let cart = cart_with(&app, None, &variant_of(&kite), 2).await;
        let res = app.post(&format!("/v1/carts/{cart}/checkout"), None, checkout_body("pm_card_visa")).await;
        ids.push(expect_status(res, StatusCode::CREATED).await["id"].as_str().expect("id").to_owned());
    }
    let fulfil = format!("/v1/admin/orders/{}/fulfill", ids[0]);
    let done = expect_status(
        app.post(&fulfil, Some(&admin), json!({"tracking_number": "1Z999"})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (done["status"].clone(), done["tracking_number"].clone()),
        (json!("fulfilled"), json!("1Z999"))
    );
    let twice = expect_problem(
        app.post(&fulfil, Some(&admin), json!({})).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    assert_eq!(twice["order_status"], "fulfilled");
    let cancel_fulfilled =
        app.post(&format!("/v1/admin/orders/{}/cancel", ids[0]), Some(&admin), json!({})).await;
    expect_problem(cancel_fulfilled, StatusCode::CONFLICT, "invalid_state").await;

    assert_eq!(stock(&app, &admin, &kite).await, (6, 0));
    let cancel =
        app.client.post(app.url(&format!("/v1/admin/orders/{}/cancel", ids[1]))).bearer_auth(&admin).send();
    let cancelled = expect_status(cancel.await.expect("sent"), StatusCode::OK).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["payment"]["status"], "refunded");
    assert_eq!(stock(&app, &admin, &kite).await, (8, 0), "stock returned");
    assert_eq!(scalar(&app.db, "SELECT COUNT(*) FROM test_provider_charges WHERE refunded = 1").await, 1);
    let no_body =
        app.client.post(app.url(&format!("/v1/admin/orders/{}/fulfill", ids[1]))).bearer_auth(&admin).send();
    expect_problem(no_body.await.expect("sent"), StatusCode::CONFLICT, "invalid_state").await;

    let paid =
        expect_status(app.get("/v1/admin/orders?status=fulfilled", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(paid["data"][0]["id"], ids[0].as_str());
    let all = expect_status(app.get("/v1/admin/orders?limit=1", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(all["data"][0]["id"], ids[1].as_str(), "newest first");
    assert!(all["next_cursor"].is_string());
    let (customer, _) = app.register("c@example.com").await;
    expect_problem(app.get("/v1/admin/orders", Some(&customer)).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let missing = app.post("/v1/admin/orders/ord_nope/fulfill", Some(&admin), json!({})).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

async fn racing_checkouts_never_oversell_or_charge_twice(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let last = simple_product(&app, &admin, "Last Five", 1000, 5).await;
    // 30 buyers with a cart each race for 5 units.
    let mut carts = Vec::new();
    for _ in 0..30 {
        carts.push(cart_with(&app, None, &variant_of(&last), 1).await);
    }
    let mut racers = tokio::task::JoinSet::new();
    for cart in &carts {
        let req = app
            .client
            .post(app.url(&format!("/v1/carts/{cart}/checkout")))
            .json(&checkout_body("pm_card_visa"));
        racers.spawn(async move { req.send().await.expect("sent").status() });
    }
    let statuses = racers.join_all().await;
    let sold = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((sold, refused), (5, 25), "{statuses:?}");
    assert_eq!(stock(&app, &admin, &last).await, (0, 0));

    // One cart, checked out 20 times at once: one order, one charge.
    let restock = format!("/v1/admin/inventory/{}/adjustments", variant_of(&last));
    expect_status(
        app.post(&restock, Some(&admin), json!({"delta": 5, "reason": "restock"})).await,
        StatusCode::OK,
    )
    .await;
    let cart = cart_with(&app, None, &variant_of(&last), 1).await;
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let req = app
            .client
            .post(app.url(&format!("/v1/carts/{cart}/checkout")))
            .json(&checkout_body("pm_card_visa"));
        racers.spawn(async move { req.send().await.expect("sent").status() });
    }
    let statuses = racers.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
    let charges = scalar(&app.db, "SELECT COUNT(*) FROM test_provider_charges").await;
    assert_eq!(charges, 6, "five racers and one cart: six charges in all");
    assert_eq!(stock(&app, &admin, &last).await, (4, 0));
}

async fn a_provider_that_never_answers_leaves_the_order_pending_and_charged_at_most_once(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.faults.test_provider_failure_percent = 100).await;
    let admin = app.admin_token().await;
    let lamp = simple_product(&app, &admin, "Lamp", 2500, 5).await;
    let cart = cart_with(&app, None, &variant_of(&lamp), 2).await;
    let checkout = format!("/v1/carts/{cart}/checkout");
    let res = app.post(&checkout, None, checkout_body("pm_card_visa")).await;
    let problem = expect_problem(res, StatusCode::BAD_GATEWAY, "payment_provider_error").await;
    let order_id = problem["order_id"].as_str().expect("the pending order is named");
    let order = app.get(&format!("/v1/admin/orders/{order_id}"), Some(&admin)).await;
    assert_eq!(expect_status(order, StatusCode::OK).await["status"], "pending_payment");
    assert_eq!(stock(&app, &admin, &lamp).await, (5, 2), "held until the provider answers");
    // The cart stays claimed, so a retry cannot make a second charge.
    let retry = app.post(&checkout, None, checkout_body("pm_card_visa")).await;
    assert_ne!(retry.status(), StatusCode::CREATED);
    let charges = scalar(&app.db, "SELECT COUNT(*) FROM test_provider_charges").await;
    assert!(charges <= 1, "at most the one charge whose answer was lost: {charges}");
}

crate::db_tests!(
    a_provider_that_never_answers_leaves_the_order_pending_and_charged_at_most_once,
    a_guest_pays_once_and_reads_the_order_with_its_token,
    declined_and_failed_payments_leave_everything_as_it_was,
    checkout_input_and_stock_are_checked,
    admins_fulfil_and_cancel_paid_orders,
    racing_checkouts_never_oversell_or_charge_twice,
);
