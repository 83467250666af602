use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status};

async fn health_and_readiness(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
    app.db.close().await;
    crate::helpers::expect_problem(
        app.get("/readyz", None).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
    )
    .await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

async fn metrics_count_requests_by_route_and_status(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.get("/v1/me", None).await;
    app.get("/v1/me", None).await;
    app.get("/healthz", None).await;
    let res = app.get("/metrics", Some(crate::helpers::METRICS_TOKEN)).await;
    assert!(res.headers()["content-type"].to_str().unwrap_or("").contains("text"));
    let text = res.text().await.expect("body");
    assert!(
        text.contains(r#"oxcart_http_requests_total{method="GET",route="/v1/me",status="401"} 2"#),
        "{text}"
    );
    assert!(text.contains(r#"oxcart_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz",status="200"}"#), "{text}");
}

/// `/metrics` is not public: off by default, behind its bearer token, or on an address of its
/// own where it is nowhere else.
async fn metrics_are_not_public(engine: Engine) {
    let off = TestApp::spawn_with(engine, |c| c.metrics.token = None).await;
    expect_problem(off.get("/metrics", None).await, StatusCode::NOT_FOUND, "not_found").await;
    let admin = off.admin_token().await;
    expect_problem(off.get("/metrics", Some(&admin)).await, StatusCode::NOT_FOUND, "not_found").await;

    let guarded = TestApp::spawn(engine).await;
    let admin = guarded.admin_token().await;
    for token in [None, Some("wrong-token-of-enough-length"), Some(admin.as_str())] {
        let res = guarded.get("/metrics", token).await;
        assert_eq!(res.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
        expect_problem(res, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    assert!(guarded.metrics().await.contains("oxcart_http_requests_total"));

    let apart = TestApp::spawn_with(engine, |c| {
        c.metrics.token = None;
        c.metrics.listen = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    })
    .await;
    apart.get("/healthz", None).await;
    expect_problem(apart.get("/metrics", None).await, StatusCode::NOT_FOUND, "not_found").await;
    let own = apart.metrics_base.clone().expect("a metrics address");
    let res = apart.client.get(format!("{own}/metrics")).send().await.expect("sent");
    let text = expect_status_text(res).await;
    assert!(text.contains(r#"route="/healthz""#), "{text}");
    let shop = apart.client.get(format!("{own}/v1/products")).send().await.expect("sent");
    expect_problem(shop, StatusCode::NOT_FOUND, "not_found").await;
}

async fn expect_status_text(res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.expect("text")
}

async fn openapi_documents_every_route(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let doc: Value = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"));
    let expected = [
        ("/v1/auth/register", "post"),
        ("/v1/auth/login", "post"),
        ("/v1/auth/logout", "post"),
        ("/v1/me", "get"),
        ("/v1/me", "patch"),
        ("/v1/me/orders", "get"),
        ("/v1/admin/customers", "get"),
        ("/v1/categories", "get"),
        ("/v1/admin/categories", "post"),
        ("/v1/products", "get"),
        ("/v1/products/{id_or_handle}", "get"),
        ("/v1/admin/products", "post"),
        ("/v1/admin/products", "get"),
        ("/v1/admin/products/{id}", "get"),
        ("/v1/admin/products/{id}", "patch"),
        ("/v1/admin/products/{id}", "delete"),
        ("/v1/admin/products/{id}/variants", "post"),
        ("/v1/admin/variants/{id}", "patch"),
        ("/v1/admin/inventory", "get"),
        ("/v1/admin/inventory/{variant_id}/adjustments", "post"),
        ("/v1/admin/inventory/{variant_id}/adjustments", "get"),
        ("/v1/carts", "post"),
        ("/v1/carts/{id}", "get"),
        ("/v1/carts/{id}/items", "post"),
        ("/v1/carts/{id}/items/{item_id}", "patch"),
        ("/v1/carts/{id}/items/{item_id}", "delete"),
        ("/v1/carts/{id}/checkout", "post"),
        ("/v1/orders/{id}", "get"),
        ("/v1/admin/orders", "get"),
        ("/v1/admin/orders/{id}", "get"),
        ("/v1/admin/orders/{id}/fulfill", "post"),
        ("/v1/admin/orders/{id}/cancel", "post"),
        ("/v1/auth/password-reset", "post"),
        ("/v1/auth/password-reset/confirm", "post"),
        ("/v1/admin/outbox", "get"),
        ("/v1/webhooks/stripe", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ];
    for (path, method) in expected {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} missing from /openapi.json");
    }
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        let Some(post) = operations.get("post") else { continue };
        let documented = post["parameters"].as_array().is_some_and(|params| {
            params.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
        });
        assert!(documented, "POST {path} does not document Idempotency-Key");
    }
    for schema in ["Problem", "ProductView", "VariantView", "Money", "NewProduct", "StockLevelView"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }

    let docs = app.client.get(app.url("/docs/")).send().await.expect("sent");
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "/docs must not load anything from the internet: {html}");
}

crate::db_tests!(
    metrics_are_not_public,
    health_and_readiness,
    metrics_count_requests_by_route_and_status,
    openapi_documents_every_route
);
