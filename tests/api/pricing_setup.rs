//! Carts are priced with the shop's regions and shipping options kept a moment in memory. A
//! change through a server shows on that server's very next cart read; one through another
//! server shows there within its cache's TTL.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, ServerProcess, TestDatabase, expect_status, serve_process},
    processes::{arrange, guest_cart},
};

async fn send(
    client: &Client,
    method: Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request = client.request(method.clone(), url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let res = request.send().await.expect("request");
    let status = if method == Method::POST && token.is_some() { StatusCode::CREATED } else { StatusCode::OK };
    expect_status(res, status).await
}

/// (shipping, tax) of the cart as `server` prices it.
async fn charges(client: &Client, server: &ServerProcess, cart: &str) -> (i64, i64) {
    let read = send(client, Method::GET, format!("{}/v1/carts/{cart}", server.base), None, None).await;
    let amount = |k: &str| read[k]["amount"].as_i64().expect(k);
    (amount("shipping_total"), amount("tax_total"))
}

async fn carts_are_priced_with_region_and_shipping_changes(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    // The first server keeps its copy an hour: only forgetting it on a write shows a change.
    let first = serve_process(&db, &[("OXCART_CATALOG_CACHE_MS", "3600000")]).await;
    let second = serve_process(&db, &[("OXCART_CATALOG_CACHE_MS", "300")]).await;
    let client = crate::helpers::http_client(Duration::from_secs(30));
    let (token, variant) = arrange(&db, &client, &first, 10).await;
    let admin = |method: Method, path: String, body: Value| {
        send(&client, method, format!("{}{path}", first.base), Some(&token), Some(body))
    };
    let rates = |bps: i64| json!([{"tax_class": "standard", "name": "VAT", "rate_bps": bps}]);
    let region = json!({"name": "Germany", "countries": [{"code": "DE"}], "tax_mode": "exclusive",
                        "tax_rates": rates(1900)});
    let region = admin(Method::POST, "/v1/admin/regions".into(), region).await;
    let region = region["id"].as_str().expect("region").to_owned();
    let option = json!({"name": "DHL", "price_type": "flat", "amount": 500});
    let option = admin(Method::POST, format!("/v1/admin/regions/{region}/shipping-options"), option).await;
    let option = format!("/v1/admin/shipping-options/{}", option["id"].as_str().expect("option"));

    // 15.00 and 5.00 shipping, both taxed 19%.
    let cart = guest_cart(&client, &first, &variant).await;
    let address = format!("{}/v1/carts/{cart}/shipping-address", first.base);
    send(&client, Method::PUT, address, None, Some(json!({"country": "DE"}))).await;
    assert_eq!(charges(&client, &first, &cart).await, (500, 380));
    assert_eq!(charges(&client, &second, &cart).await, (500, 380));

    admin(Method::PATCH, option.clone(), json!({"amount": 700})).await;
    assert_eq!(charges(&client, &first, &cart).await, (700, 418), "a new shipping price, at once");
    admin(Method::PATCH, format!("/v1/admin/regions/{region}"), json!({"tax_rates": rates(700)})).await;
    assert_eq!(charges(&client, &first, &cart).await, (700, 154), "a new tax rate, at once");

    let changed = Instant::now();
    while charges(&client, &second, &cart).await != (700, 154) {
        assert!(changed.elapsed() < Duration::from_secs(5), "the other server never saw the change");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Checkout charges what the cart now shows: 15.00 + 7.00 + 1.54.
    let checkout = json!({"email": "ann@example.com",
        "shipping_address": {"name": "Ann", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let url = format!("{}/v1/carts/{cart}/checkout", first.base);
    let res = client.post(url).json(&checkout).send().await.expect("checkout");
    let order = expect_status(res, StatusCode::CREATED).await;
    assert_eq!(order["total"]["amount"], 2354);
}

crate::db_tests!(carts_are_priced_with_region_and_shipping_changes);
