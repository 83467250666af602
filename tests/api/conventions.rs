//! The conventions table of API.md: content types, body limits, problem+json, request ids.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Engine, TestApp, expect_problem, shut_down};

async fn bodies_must_be_json(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let form = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a&password=b")
        .send()
        .await
        .expect("sent");
    expect_problem(form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let bare = app
        .client
        .post(app.url("/v1/auth/login"))
        .body(r#"{"email":"a@b.co","password":"x"}"#)
        .send()
        .await
        .expect("sent");
    expect_problem(bare, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
    let broken = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@b.co", "#)
        .send()
        .await
        .expect("sent");
    expect_problem(broken, StatusCode::BAD_REQUEST, "malformed_json").await;
    let not_object = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body("[1,2]")
        .send()
        .await
        .expect("sent");
    expect_problem(not_object, StatusCode::BAD_REQUEST, "validation_failed").await;
}

/// An empty body means `{}`: complete where every field is optional, and elsewhere the missing
/// fields are named, instead of `malformed_json`.
async fn an_empty_body_is_an_empty_object(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, customer) = app.register("empty@example.com").await;
    for content_type in [Some("application/json"), None] {
        let mut req = app.client.patch(app.url("/v1/me")).bearer_auth(&token);
        if let Some(content_type) = content_type {
            req = req.header("content-type", content_type);
        }
        let me = crate::helpers::expect_status(req.send().await.expect("sent"), StatusCode::OK).await;
        assert_eq!(me["name"], customer["name"], "nothing changed");
    }
    let login = app.client.post(app.url("/v1/auth/login")).header("content-type", "application/json");
    let problem =
        expect_problem(login.send().await.expect("sent"), StatusCode::BAD_REQUEST, "validation_failed").await;
    assert!(crate::helpers::fields_of(&problem).contains(&"email".to_owned()), "{problem}");
}

async fn bodies_over_one_mebibyte_are_refused(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let huge = json!({"email": "a@example.com", "password": "x".repeat(1024 * 1024), "name": "A"});
    let res = app.post("/v1/auth/register", None, huge).await;
    expect_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

async fn unknown_routes_and_methods_are_problems(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    expect_problem(app.get("/v1/nothing-here", None).await, StatusCode::NOT_FOUND, "not_found").await;
    let res = app.request(Method::DELETE, "/v1/me", None, None).await;
    assert!(res.headers().contains_key("allow"));
    expect_problem(res, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

async fn every_response_carries_a_unique_request_id(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut ids = HashSet::new();
    for path in ["/healthz", "/v1/me", "/v1/nothing", "/healthz"] {
        let res = app.get(path, None).await;
        let id =
            res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("x-request-id").to_owned();
        assert!(id.starts_with("req_"), "{id}");
        ids.insert(id);
    }
    assert_eq!(ids.len(), 4);
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-proxy-1")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.headers()["x-request-id"], "from-the-proxy-1");
    // Anything that could forge or flood a log line is replaced by an id of our own.
    let long = "a".repeat(129);
    for forged in ["x level=ERROR msg=\"forged\"", "<img src=x>", long.as_str(), "a\tb"] {
        let res =
            app.client.get(app.url("/healthz")).header("x-request-id", forged).send().await.expect("sent");
        let id = res.headers()["x-request-id"].to_str().expect("ascii").to_owned();
        assert!(id.starts_with("req_") && id != forged, "{forged:?} was kept as {id:?}");
    }
}

async fn server_errors_carry_a_request_id_and_no_internals(engine: Engine) {
    let mut app = TestApp::spawn(engine).await;
    let db = app.db.clone();
    db.close().await;
    let res =
        app.post("/v1/auth/login", None, json!({"email": "a@example.com", "password": "whatever1"})).await;
    let id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("id").to_owned();
    let body = expect_problem(res, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    assert_eq!(body["request_id"], id);
    let text = body.to_string().to_lowercase();
    for leak in ["select", "sqlx", "pool", "database", "src/"] {
        assert!(!text.contains(leak), "5xx body leaks `{leak}`: {text}");
    }
    shut_down(&mut app).await;
}

crate::db_tests!(
    bodies_must_be_json,
    an_empty_body_is_an_empty_object,
    bodies_over_one_mebibyte_are_refused,
    unknown_routes_and_methods_are_problems,
    every_response_carries_a_unique_request_id,
    server_errors_carry_a_request_id_and_no_internals,
);
