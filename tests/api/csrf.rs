//! Cross-site request forgery: a page on another site cannot use an admin's or a customer's
//! session cookie to change anything, bodyless endpoints refuse bodies, and bearer-token
//! clients are not affected.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status, simple_product, variant_of};

/// A paid guest order; returns its id.
async fn paid_order(app: &TestApp, admin: &str) -> String {
    let product = simple_product(app, admin, "Forged Lamp", 2500, 5).await;
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let cart = cart["id"].as_str().expect("cart").to_owned();
    let line = json!({"variant_id": variant_of(&product), "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, line).await, StatusCode::OK).await;
    let body = json!({"email": "ann@example.com",
        "shipping_address": {"name": "Ann", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let order =
        expect_status(app.post(&format!("/v1/carts/{cart}/checkout"), None, body).await, StatusCode::CREATED)
            .await;
    order["id"].as_str().expect("order").to_owned()
}

fn with_cookie(app: &TestApp, method: Method, path: &str, token: &str) -> RequestBuilder {
    app.client.request(method, app.url(path)).header("cookie", format!("oxcart_session={token}"))
}

async fn another_site_cannot_use_the_session_cookie(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let order = paid_order(&app, &admin).await;
    let cancel = format!("/v1/admin/orders/{order}/cancel");

    // A form on evil.example posting to the cancel endpoint with the admin's cookie, seen by a
    // current browser, an older one (Origin only), and one that sends only a Referer.
    let forged = [
        with_cookie(&app, Method::POST, &cancel, &admin).header("sec-fetch-site", "cross-site"),
        with_cookie(&app, Method::POST, &cancel, &admin).header("origin", "https://evil.example"),
        with_cookie(&app, Method::POST, &cancel, &admin).header("origin", "null"),
        with_cookie(&app, Method::POST, &cancel, &admin).header("referer", "https://evil.example/win"),
        with_cookie(&app, Method::POST, &cancel, &admin)
            .header("sec-fetch-site", "same-site")
            .header("origin", "https://evil.shop.example"),
        with_cookie(&app, Method::POST, &cancel, &admin)
            .header("origin", "https://evil.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(""),
    ];
    for request in forged {
        let res = request.send().await.expect("sent");
        expect_problem(res, StatusCode::FORBIDDEN, "cross_site_request").await;
    }
    let unchanged =
        expect_status(app.get(&format!("/v1/admin/orders/{order}"), Some(&admin)).await, StatusCode::OK)
            .await;
    assert_eq!(unchanged["status"], "paid", "no forged request cancelled the order");

    let (customer, _) = app.register("victim@example.com").await;
    let logout = with_cookie(&app, Method::POST, "/v1/auth/logout", &customer)
        .header("origin", "https://evil.example");
    expect_problem(logout.send().await.expect("sent"), StatusCode::FORBIDDEN, "cross_site_request").await;
    expect_status(app.get("/v1/me", Some(&customer)).await, StatusCode::OK).await;
    let rename = with_cookie(&app, Method::PATCH, "/v1/me", &customer)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "Pwned"}));
    expect_problem(rename.send().await.expect("sent"), StatusCode::FORBIDDEN, "cross_site_request").await;

    // Our own pages pass, and so does any client holding a bearer token, wherever it runs.
    let own = with_cookie(&app, Method::GET, "/v1/me", &customer).header("sec-fetch-site", "cross-site");
    expect_status(own.send().await.expect("sent"), StatusCode::OK).await;
    let same_origin = with_cookie(&app, Method::PATCH, "/v1/me", &customer)
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.base.clone())
        .json(&json!({"name": "Renamed"}));
    assert_eq!(
        expect_status(same_origin.send().await.expect("sent"), StatusCode::OK).await["name"],
        "Renamed"
    );
    let bearer = app
        .client
        .post(app.url(&cancel))
        .bearer_auth(&admin)
        .header("origin", "https://admin-tool.example")
        .header("sec-fetch-site", "cross-site");
    assert_eq!(
        expect_status(bearer.send().await.expect("sent"), StatusCode::OK).await["status"],
        "cancelled"
    );
    let by_origin =
        with_cookie(&app, Method::POST, "/v1/auth/logout", &customer).header("origin", app.base.clone());
    expect_status(by_origin.send().await.expect("sent"), StatusCode::NO_CONTENT).await;
}

/// Endpoints that take no body refuse one, whatever its type, so a form cannot post to them
/// and no client thinks its parameters were used.
async fn bodyless_endpoints_refuse_bodies(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let (customer, _) = app.register("forms@example.com").await;
    let sent = [
        app.client
            .post(app.url("/v1/carts"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("a=1"),
        app.client.post(app.url("/v1/carts")).json(&json!({"customer_id": "cus_other"})),
        app.client
            .post(app.url("/v1/auth/logout"))
            .bearer_auth(&customer)
            .header("content-type", "text/plain")
            .body("x"),
        app.client
            .post(app.url("/v1/admin/orders/ord_x/cancel"))
            .bearer_auth(&admin)
            .json(&json!({"refund": false})),
        app.client
            .delete(app.url("/v1/admin/products/prod_x"))
            .bearer_auth(&admin)
            .json(&json!({"hard": true})),
    ];
    for request in sent {
        let res = request.send().await.expect("sent");
        let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
    }
    let carts = crate::helpers::scalar(&app.db, "SELECT COUNT(*) FROM carts").await;
    assert_eq!(carts, 0, "nothing was created");
    // Without a body they work as before; so do a bare JSON content type and `{}`.
    expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
        .await;
    let empty = app.client.post(app.url("/v1/carts")).header("content-type", "application/json");
    expect_status(empty.send().await.expect("sent"), StatusCode::CREATED).await;
    expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
}

/// Listed origins get CORS answers for their API (the store's or the admin's) and may use the
/// session cookie; any other origin gets no CORS headers, and its cookie requests stay refused.
async fn cors_lets_listed_origins_in_and_no_others(engine: Engine) {
    let shop = "https://shop.example";
    let admin_ui = "https://admin.example";
    let app = TestApp::spawn_with(engine, |c| {
        c.cors.store = vec![shop.to_owned()];
        c.cors.admin = vec![admin_ui.to_owned()];
    })
    .await;
    let preflight = |origin: &str, path: &str| {
        app.client
            .request(Method::OPTIONS, app.url(path))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, idempotency-key, authorization")
            .send()
    };
    let header = |res: &reqwest::Response, name: &str| {
        res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_lowercase()
    };
    let res = preflight(shop, "/v1/carts").await.expect("sent");
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(header(&res, "access-control-allow-origin"), shop);
    assert_eq!(header(&res, "access-control-allow-credentials"), "true");
    for wanted in ["content-type", "idempotency-key", "authorization"] {
        assert!(header(&res, "access-control-allow-headers").contains(wanted), "{wanted}");
    }
    for (origin, path) in
        [(shop, "/v1/admin/orders"), (admin_ui, "/v1/carts"), ("https://evil.example", "/v1/carts")]
    {
        let res = preflight(origin, path).await.expect("sent");
        assert_eq!(header(&res, "access-control-allow-origin"), "", "{origin} on {path}");
    }
    let res = preflight(admin_ui, "/v1/auth/login").await.expect("sent");
    assert_eq!(header(&res, "access-control-allow-origin"), admin_ui, "the admin UI signs in");

    let listed = app.client.get(app.url("/v1/products")).header("origin", shop).send().await.expect("sent");
    assert_eq!(header(&listed, "access-control-allow-origin"), shop);
    let exposed = header(&listed, "access-control-expose-headers");
    for wanted in ["x-request-id", "idempotent-replayed", "retry-after"] {
        assert!(exposed.contains(wanted), "{wanted} not exposed: {exposed}");
    }

    // The cookie from a listed origin is not cross-site; from any other it still is.
    let (customer, _) = app.register("far@example.com").await;
    let from = |origin: &str| {
        with_cookie(&app, Method::PATCH, "/v1/me", &customer)
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"name": "Far Away"}))
            .send()
    };
    expect_status(from(shop).await.expect("sent"), StatusCode::OK).await;
    expect_problem(
        from("https://evil.example").await.expect("sent"),
        StatusCode::FORBIDDEN,
        "cross_site_request",
    )
    .await;
    let admin = app.admin_token().await;
    let admin_from_shop = with_cookie(&app, Method::POST, "/v1/admin/categories", &admin)
        .header("origin", shop)
        .json(&json!({"name": "Sneaky"}))
        .send()
        .await
        .expect("sent");
    expect_problem(admin_from_shop, StatusCode::FORBIDDEN, "cross_site_request").await;
}

crate::db_tests!(
    another_site_cannot_use_the_session_cookie,
    bodyless_endpoints_refuse_bodies,
    cors_lets_listed_origins_in_and_no_others,
);
