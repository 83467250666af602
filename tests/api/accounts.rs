use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status, fields_of};

async fn register_signs_in_with_token_and_cookie(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "Ann@Example.com", "password": "correct horse", "name": "Ann"}),
        )
        .await;
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = expect_status(res, StatusCode::CREATED).await;
    let token = body["token"].as_str().expect("token");
    let customer = &body["customer"];
    assert!(customer["id"].as_str().expect("id").starts_with("cus_"));
    assert_eq!(customer["email"], "Ann@Example.com");
    assert_eq!(customer["name"], "Ann");
    assert_eq!(customer["role"], "customer");
    assert!(customer["created_at"].as_str().expect("created_at").ends_with('Z'));
    assert!(customer.get("password_hash").is_none() && customer.get("password").is_none());
    assert!(cookie.starts_with(&format!("oxcart_session={token};")), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-HTTP config must not set Secure: {cookie}");

    let me = expect_status(app.get("/v1/me", Some(token)).await, StatusCode::OK).await;
    assert_eq!(me, *customer);
    let by_cookie = app
        .client
        .get(app.url("/v1/me"))
        .header("cookie", format!("theme=x; oxcart_session={token}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(expect_status(by_cookie, StatusCode::OK).await["id"], customer["id"]);
}

async fn register_reports_every_invalid_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let res = app
        .post("/v1/auth/register", None, json!({"email": "not-an-email", "password": "short", "name": "  "}))
        .await;
    let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(fields_of(&problem), ["email", "password", "name"]);
    let long = "x".repeat(129);
    let res = app
        .post("/v1/auth/register", None, json!({"email": "a@example.com", "password": long, "name": "A"}))
        .await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["password"]
    );
    let res = app.post("/v1/auth/register", None, json!({"email": "a@example.com", "name": "A"})).await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["password"]
    );
    let res = app
        .post("/v1/auth/register", None, json!({"email": "a@example.com", "password": 12345678, "name": "A"}))
        .await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["password"]
    );
}

async fn register_refuses_mass_assignment_and_writes_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "eve@example.com", "password": "correct horse", "name": "Eve", "role": "admin"}),
        )
        .await;
    let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(fields_of(&problem), ["role"]);
    let (token, customer) = app.register("eve@example.com").await;
    assert_eq!(customer["role"], "customer");
    expect_problem(app.get("/v1/admin/customers", Some(&token)).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
}

async fn emails_are_unique_case_insensitively(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.register("bob@example.com").await;
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": " BOB@Example.COM", "password": "another one", "name": "Bob 2"}),
        )
        .await;
    expect_problem(res, StatusCode::CONFLICT, "email_taken").await;
    let res = app
        .post("/v1/auth/login", None, json!({"email": "Bob@EXAMPLE.com", "password": "correct horse"}))
        .await;
    expect_status(res, StatusCode::OK).await;
}

async fn login_answers_the_same_for_unknown_email_and_wrong_password(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (_, customer) = app.register("cat@example.com").await;
    let wrong_password = app
        .post("/v1/auth/login", None, json!({"email": "cat@example.com", "password": "wrong horse"}))
        .await;
    let wrong = expect_problem(wrong_password, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let no_account = app
        .post("/v1/auth/login", None, json!({"email": "nobody@example.com", "password": "wrong horse"}))
        .await;
    let unknown = expect_problem(no_account, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(wrong, unknown);

    let res = app
        .post("/v1/auth/login", None, json!({"email": "cat@example.com", "password": "correct horse"}))
        .await;
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = expect_status(res, StatusCode::OK).await;
    assert_eq!(body["customer"], customer);
    assert!(cookie.contains("HttpOnly"));
    let token = body["token"].as_str().expect("token");
    expect_status(app.get("/v1/me", Some(token)).await, StatusCode::OK).await;
}

async fn logout_revokes_only_that_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (first, _) = app.register("dan@example.com").await;
    let res = app
        .post("/v1/auth/login", None, json!({"email": "dan@example.com", "password": "correct horse"}))
        .await;
    let second = expect_status(res, StatusCode::OK).await["token"].as_str().expect("token").to_owned();

    let res = app.request(Method::POST, "/v1/auth/logout", Some(&first), None).await;
    let cleared = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    expect_status(res, StatusCode::NO_CONTENT).await;
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    expect_problem(app.get("/v1/me", Some(&first)).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let again = app.request(Method::POST, "/v1/auth/logout", Some(&first), None).await;
    expect_problem(again, StatusCode::UNAUTHORIZED, "unauthorized").await;
    expect_status(app.get("/v1/me", Some(&second)).await, StatusCode::OK).await;
}

async fn me_needs_a_valid_session(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    expect_problem(app.get("/v1/me", None).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    expect_problem(app.get("/v1/me", Some("oxs_forged")).await, StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
    let basic =
        app.client.get(app.url("/v1/me")).header("authorization", "Basic YTpi").send().await.expect("sent");
    expect_problem(basic, StatusCode::UNAUTHORIZED, "unauthorized").await;
    expect_problem(app.get("/v1/me/orders", None).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn expired_sessions_stop_working(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, _) = app.register("eli@example.com").await;
    expect_status(app.get("/v1/me", Some(&token)).await, StatusCode::OK).await;
    oxcart::db::sql("test.expire", "UPDATE sessions SET expires_at = $1")
        .bind(oxcart::time::now_ms() - 1)
        .execute(&app.db)
        .await
        .expect("expire");
    expect_problem(app.get("/v1/me", Some(&token)).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

async fn secrets_are_stored_only_as_hashes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, customer) = app.register("fay@example.com").await;
    let hash: String = oxcart::db::sql("test.hash", "SELECT password_hash FROM customers WHERE id = $1")
        .bind(customer["id"].as_str())
        .scalar_one(&app.db)
        .await
        .expect("row");
    assert!(hash.starts_with("$argon2id$") && !hash.contains("correct horse"));
    let stored: Vec<String> = oxcart::db::sql("test.tokens", "SELECT token_hash FROM sessions")
        .scalar_all(&app.db)
        .await
        .expect("rows");
    assert_eq!(stored, [oxcart::ids::token_hash(&token)]);
    assert!(!stored[0].contains(&token));
}

async fn profile_name_can_be_changed_and_nothing_else(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, customer) = app.register("gus@example.com").await;
    let res = app.request(Method::PATCH, "/v1/me", Some(&token), Some(json!({"name": "  Gus G.  "}))).await;
    let updated = expect_status(res, StatusCode::OK).await;
    assert_eq!(updated["name"], "Gus G.");
    assert_eq!(updated["id"], customer["id"]);
    assert_eq!(expect_status(app.get("/v1/me", Some(&token)).await, StatusCode::OK).await["name"], "Gus G.");

    let res = app.request(Method::PATCH, "/v1/me", Some(&token), Some(json!({"name": ""}))).await;
    assert_eq!(fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await), ["name"]);
    let res = app.request(Method::PATCH, "/v1/me", Some(&token), Some(json!({"role": "admin"}))).await;
    assert_eq!(fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await), ["role"]);
    let res = app.request(Method::PATCH, "/v1/me", None, Some(json!({"name": "Nobody"}))).await;
    expect_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(
        expect_status(app.get("/v1/me", Some(&token)).await, StatusCode::OK).await["role"],
        "customer"
    );
}

async fn my_orders_is_an_empty_list_before_any_checkout(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, _) = app.register("hal@example.com").await;
    let page = expect_status(app.get("/v1/me/orders", Some(&token)).await, StatusCode::OK).await;
    assert_eq!(page, json!({"data": [], "next_cursor": null}));
    let res = app.get("/v1/me/orders?limit=0", Some(&token)).await;
    expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
}

async fn login_is_rate_limited_per_email(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.rate_limits.login_failures_per_email = 3).await;
    app.register("ivy@example.com").await;
    for _ in 0..3 {
        let res = app
            .post("/v1/auth/login", None, json!({"email": "ivy@example.com", "password": "guess guess"}))
            .await;
        expect_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let res = app
        .post("/v1/auth/login", None, json!({"email": "IVY@example.com", "password": "correct horse"}))
        .await;
    let retry_after: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    expect_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!((1..=15 * 60 + 1).contains(&retry_after), "{retry_after}");
    let other = app
        .post("/v1/auth/login", None, json!({"email": "other@example.com", "password": "guess guess"}))
        .await;
    expect_problem(other, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

/// A wrong-password login from behind a trusted proxy, as the client at `ip`.
async fn login_from(app: &TestApp, ip: &str, email: &str) -> reqwest::Response {
    app.login_via_proxy("10.0.0.1", ip, email, "guess guess").await
}

async fn login_is_rate_limited_per_ip(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.rate_limits.login_failures_per_ip = 4;
        c.proxy.hops = 1;
    })
    .await;
    for i in 0..4 {
        let res = login_from(&app, "203.0.113.7", &format!("u{i}@example.com")).await;
        expect_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let res = login_from(&app, "203.0.113.7", "fresh@example.com").await;
    expect_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let res = login_from(&app, "198.51.100.2", "fresh@example.com").await;
    expect_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

async fn loopback_clients_are_limited_per_email_only(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.rate_limits.login_failures_per_ip = 2;
        c.rate_limits.register_per_ip = 2;
    })
    .await;
    for i in 0..4 {
        let email = format!("local{i}@example.com");
        app.register(&email).await;
        let res = app.post("/v1/auth/login", None, json!({"email": email, "password": "guess guess"})).await;
        expect_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
}

async fn register_is_rate_limited(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.rate_limits.register_per_ip = 3;
        c.rate_limits.register_per_email = 2;
        c.proxy.hops = 1;
    })
    .await;
    let register = |email: &str| {
        let body = json!({"email": email, "password": "correct horse", "name": "Jo"});
        app.client
            .post(app.url("/v1/auth/register"))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&body)
            .send()
    };
    expect_status(register("jo@example.com").await.expect("sent"), StatusCode::CREATED).await;
    expect_problem(register("jo@example.com").await.expect("sent"), StatusCode::CONFLICT, "email_taken")
        .await;
    let res = register("JO@example.com").await.expect("sent");
    assert!(res.headers().contains_key("retry-after"));
    expect_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // A refused attempt counts nowhere: the address has made two of its three.
    expect_status(register("kim@example.com").await.expect("sent"), StatusCode::CREATED).await;
    let res = register("lee@example.com").await.expect("sent");
    expect_problem(res, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

crate::db_tests!(
    register_signs_in_with_token_and_cookie,
    register_reports_every_invalid_field,
    register_refuses_mass_assignment_and_writes_nothing,
    emails_are_unique_case_insensitively,
    login_answers_the_same_for_unknown_email_and_wrong_password,
    logout_revokes_only_that_session,
    me_needs_a_valid_session,
    expired_sessions_stop_working,
    secrets_are_stored_only_as_hashes,
    profile_name_can_be_changed_and_nothing_else,
    my_orders_is_an_empty_list_before_any_checkout,
    login_is_rate_limited_per_email,
    login_is_rate_limited_per_ip,
    loopback_clients_are_limited_per_email_only,
    register_is_rate_limited,
);
