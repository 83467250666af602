use std::collections::HashSet;

use reqwest::StatusCode;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status};

async fn admin_routes_answer_401_then_403_then_200(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    expect_problem(app.get("/v1/admin/customers", None).await, StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
    let (customer, _) = app.register("cy@example.com").await;
    expect_problem(app.get("/v1/admin/customers", Some(&customer)).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let admin = app.admin_token().await;
    let page = expect_status(app.get("/v1/admin/customers", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    assert!(page["data"].as_array().into_iter().flatten().all(|c| c.get("password_hash").is_none()));
}

async fn admin_customer_list_pages_completely_newest_first(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mut registered = vec!["boss@example.com".to_owned()];
    for i in 0..5 {
        let email = format!("shopper{i}@example.com");
        app.register(&email).await;
        registered.push(email);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/admin/customers?limit=2&cursor={c}"),
            None => "/v1/admin/customers?limit=2".to_owned(),
        };
        let page = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
        let data = page["data"].as_array().expect("data");
        assert!(data.len() <= 2);
        seen.extend(data.iter().map(|c| {
            (c["created_at"].as_str().unwrap_or("").to_owned(), c["email"].as_str().unwrap_or("").to_owned())
        }));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let emails: HashSet<_> = seen.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(seen.len(), registered.len(), "no duplicates: {seen:?}");
    assert_eq!(emails, registered.into_iter().collect::<HashSet<_>>());
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "newest first: {seen:?}");

    expect_problem(
        app.get("/v1/admin/customers?limit=101", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/admin/customers?limit=abc", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/admin/customers?cursor=garbage", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
}

async fn unknown_admin_paths_still_require_an_admin(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (customer, _) = app.register("dee@example.com").await;
    let res = app.get("/v1/admin/customers", Some(&customer)).await;
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.post("/v1/admin/customers", None, serde_json::json!({})).await;
    assert!(
        matches!(res.status(), StatusCode::UNAUTHORIZED | StatusCode::METHOD_NOT_ALLOWED),
        "{}",
        res.status()
    );
}

/// Admins find an order by its number, and a customer's orders by email in any case.
async fn admins_find_orders_by_number_and_email(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let product = crate::helpers::simple_product(&app, &admin, "Found Mug", 1500, 10).await;
    let mut numbers = Vec::new();
    for email in ["Ann@Example.com", "ann@example.com", "bob@example.com"] {
        let cart = expect_status(
            app.client.post(app.url("/v1/carts")).send().await.expect("sent"),
            StatusCode::CREATED,
        )
        .await;
        let cart = cart["id"].as_str().expect("cart").to_owned();
        let line = serde_json::json!({"variant_id": crate::helpers::variant_of(&product), "quantity": 1});
        expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, line).await, StatusCode::OK).await;
        let body = serde_json::json!({"email": email,
            "shipping_address": {"name": "A", "line1": "1 St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
            "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
        let order = expect_status(
            app.post(&format!("/v1/carts/{cart}/checkout"), None, body).await,
            StatusCode::CREATED,
        )
        .await;
        numbers.push(order["number"].as_i64().expect("number"));
    }
    let found = |query: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let page = expect_status(
                app.get(&format!("/v1/admin/orders?{query}"), Some(&admin)).await,
                StatusCode::OK,
            )
            .await;
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|o| o["number"].as_i64().expect("number"))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found(format!("number={}", numbers[1])).await, [numbers[1]]);
    assert_eq!(
        found("email=ANN@example.COM".to_owned()).await,
        [numbers[1], numbers[0]],
        "newest first, any case"
    );
    assert_eq!(found(format!("email=bob@example.com&number={}", numbers[0])).await, Vec::<i64>::new());
    assert_eq!(found("number=999999".to_owned()).await, Vec::<i64>::new());

    // A period, as instants with their offsets (the dashboard sends the operator's days).
    let at = |ms: i64| oxcart::time::rfc3339(ms).replace('Z', "+00:00").replace('+', "%2B");
    let now = oxcart::time::now_ms();
    let period = |from: i64, before: i64| format!("placed_from={}&placed_before={}", at(from), at(before));
    assert_eq!(found(period(now - 3_600_000, now + 3_600_000)).await.len(), 3);
    assert_eq!(
        found(format!("{}&email=bob@example.com", period(now - 3_600_000, now + 3_600_000))).await,
        [numbers[2]]
    );
    assert_eq!(found(format!("placed_from={}", at(now + 3_600_000))).await, Vec::<i64>::new());
    assert_eq!(found(format!("placed_before={}", at(now - 3_600_000))).await, Vec::<i64>::new());
    for bad in ["placed_from=yesterday", "placed_before=2026-12-01T00:00:00", &period(now, now)] {
        let res = app.get(&format!("/v1/admin/orders?{bad}"), Some(&admin)).await;
        expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    }
}

/// Staff find a customer by part of their email or name in any case (wildcards taken
/// literally), read one, and list their orders.
async fn staff_find_a_customer_and_their_orders(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let (ann_token, ann) = app.register("Ann.Lee@Example.com").await;
    app.register("bob_100%@example.com").await;
    app.register("carol@example.com").await;
    let emails = |page: serde_json::Value| -> Vec<String> {
        let data = page["data"].as_array().cloned().unwrap_or_default();
        data.iter().map(|c| c["email"].as_str().unwrap_or_default().to_owned()).collect()
    };
    let search = |q: &str| {
        let url = reqwest::Url::parse_with_params("http://x/v1/admin/customers", [("q", q)]).expect("url");
        format!("{}?{}", url.path(), url.query().unwrap_or_default())
    };
    let found = expect_status(app.get(&search("ann.LEE"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(emails(found), ["Ann.Lee@Example.com"], "as it was registered");
    let found = expect_status(app.get(&search("test customer"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(emails(found).len(), 3, "by name: every registered shopper is a Test Customer");
    let found = expect_status(app.get(&search("_100%"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(emails(found), ["bob_100%@example.com"]);
    let found = expect_status(app.get(&search("%"), Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(emails(found), ["bob_100%@example.com"], "a % is a %, not any text");
    let long = search(&"x".repeat(101));
    expect_problem(app.get(&long, Some(&admin)).await, StatusCode::BAD_REQUEST, "validation_failed").await;

    let id = ann["id"].as_str().expect("id");
    let one =
        expect_status(app.get(&format!("/v1/admin/customers/{id}"), Some(&admin)).await, StatusCode::OK)
            .await;
    assert_eq!(one["email"], "Ann.Lee@Example.com");
    let missing = app.get("/v1/admin/customers/cus_missing", Some(&admin)).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;

    let product = crate::helpers::simple_product(&app, &admin, "Her Mug", 1500, 10).await;
    let cart = app.client.post(app.url("/v1/carts")).bearer_auth(&ann_token).send().await.expect("sent");
    let cart = expect_status(cart, StatusCode::CREATED).await["id"].as_str().expect("cart").to_owned();
    let line = serde_json::json!({"variant_id": crate::helpers::variant_of(&product), "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), Some(&ann_token), line).await, StatusCode::OK)
        .await;
    let body = serde_json::json!({"email": "ann.lee@example.com",
        "shipping_address": {"name": "A", "line1": "1 St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let checkout = app.post(&format!("/v1/carts/{cart}/checkout"), Some(&ann_token), body).await;
    let order = expect_status(checkout, StatusCode::CREATED).await;
    let hers = expect_status(
        app.get(&format!("/v1/admin/orders?customer_id={id}"), Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> =
        hers["data"].as_array().expect("data").iter().map(|o| o["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, [order["id"].as_str().expect("id")]);
    let nobody = expect_status(
        app.get("/v1/admin/orders?customer_id=cus_missing", Some(&admin)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(nobody["data"].as_array().map(Vec::len), Some(0));
}

crate::db_tests!(
    staff_find_a_customer_and_their_orders,
    admins_find_orders_by_number_and_email,
    admin_routes_answer_401_then_403_then_200,
    admin_customer_list_pages_completely_newest_first,
    unknown_admin_paths_still_require_an_admin,
);
