//! Promotions (issue 22), as a merchant sets them up: codes, automatic discounts, targets,
//! limits and single-use code batches.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestApp, all_pages, create_category, expect_problem, expect_status, fields_of, simple_product,
};

async fn made(app: &TestApp, admin: &str, body: Value) -> Value {
    expect_status(app.post("/v1/admin/promotions", Some(admin), body).await, StatusCode::CREATED).await
}

async fn an_admin_sets_up_promotions_and_codes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let welcome = json!({"name": "Welcome 10%", "class": "order", "type": "percentage", "percentage_bps": 1000,
        "trigger": "code", "code": " welcome10 ", "customers": "new", "per_customer_limit": 1, "usage_limit": 500,
        "combines_with": ["shipping"], "starts_at": "2026-12-01T01:00:00+01:00"});
    let welcome = made(&app, &admin, welcome).await;
    assert!(welcome["id"].as_str().is_some_and(|id| id.starts_with("promo_")), "{welcome}");
    assert_eq!((welcome["code"].as_str(), welcome["codes_count"].as_i64()), (Some("WELCOME10"), Some(1)));
    assert_eq!(welcome["starts_at"], "2026-12-01T00:00:00Z");
    assert_eq!(welcome["combines_with"], json!(["shipping"]));
    assert_eq!(welcome["usage"], json!({"used": 0, "held": 0, "remaining": 500}));
    assert_eq!((welcome["amount"].clone(), welcome["buy_quantity"].clone()), (Value::Null, Value::Null));

    let free = json!({"name": "Free shipping over $50", "class": "shipping", "type": "free_shipping",
        "trigger": "automatic", "min_subtotal": {"amount": 5000, "currency": "usd"}});
    let free = made(&app, &admin, free).await;
    assert_eq!((free["code"].clone(), free["codes_count"].as_i64()), (Value::Null, Some(0)));
    assert_eq!(free["min_subtotal"], json!({"amount": 5000, "currency": "usd"}));
    assert_eq!(free["usage"]["remaining"], Value::Null);

    let mugs = create_category(&app, &admin, json!({"name": "Mugs"})).await;
    let mug = simple_product(&app, &admin, "Mug", 1200, 10).await;
    let bogo = json!({"name": "Mugs: buy 2 get 1", "class": "product", "type": "buy_x_get_y", "buy_quantity": 2,
        "get_quantity": 1, "trigger": "automatic", "category_ids": [mugs["id"]], "product_ids": [mug["id"]]});
    let bogo = made(&app, &admin, bogo).await;
    assert_eq!(
        (bogo["percentage_bps"].as_i64(), bogo["category_ids"].clone(), bogo["product_ids"].clone()),
        (Some(10_000), json!([mugs["id"]]), json!([mug["id"]]))
    );

    // Codes are unique in the store, whatever their case.
    let clash = json!({"name": "Copy", "class": "order", "type": "fixed", "amount": 500, "trigger": "code", "code": "Welcome10"});
    let res = app.post("/v1/admin/promotions", Some(&admin), clash).await;
    expect_problem(res, StatusCode::CONFLICT, "promotion_code_taken").await;

    // A change keeps what it does not name, clears what is sent as null, refuses the fixed parts.
    let path = format!("/v1/admin/promotions/{}", welcome["id"].as_str().expect("id"));
    let patch =
        json!({"name": "Welcome 15%", "percentage_bps": 1500, "starts_at": null, "combines_with": []});
    let changed = app.request(Method::PATCH, &path, Some(&admin), Some(patch)).await;
    let changed = expect_status(changed, StatusCode::OK).await;
    assert_eq!(
        (changed["name"].as_str(), changed["percentage_bps"].as_i64(), changed["starts_at"].clone()),
        (Some("Welcome 15%"), Some(1500), Value::Null)
    );
    assert_eq!((changed["code"].as_str(), changed["usage_limit"].as_i64()), (Some("WELCOME10"), Some(500)));
    assert_eq!(changed["combines_with"], json!([]));
    for (body, field) in [
        (json!({"class": "product"}), "class"),
        (json!({"type": "fixed"}), "type"),
        (json!({"trigger": "automatic"}), "trigger"),
        (json!({"code": "OTHER"}), "code"),
    ] {
        let res = app.request(Method::PATCH, &path, Some(&admin), Some(body)).await;
        assert_eq!(
            fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
            [field]
        );
    }
    let read = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read, changed, "a refused change changed nothing");

    // Single-use codes, in batches, listed page by page.
    let batch = app.post(&format!("{path}/codes"), Some(&admin), json!({"count": 5, "prefix": "vip-"})).await;
    let batch = expect_status(batch, StatusCode::CREATED).await;
    let codes: Vec<&str> =
        batch["data"].as_array().expect("codes").iter().filter_map(Value::as_str).collect();
    assert_eq!(codes.len(), 5);
    assert!(codes.iter().all(|c| c.len() == 14 && c.starts_with("VIP-")), "{codes:?}");
    let listed = all_pages(&app, &format!("{path}/codes?limit=2"), Some(&admin)).await;
    assert_eq!(listed.len(), 6, "five single-use codes and the shared one");
    let single: Vec<&Value> = listed.iter().filter(|c| c["usage_limit"] == 1).collect();
    assert_eq!(single.len(), 5);
    assert_eq!(single[0]["usage"], json!({"used": 0, "held": 0, "remaining": 1}));
    let read = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(read["codes_count"], 6);
    let automatic = format!("/v1/admin/promotions/{}/codes", free["id"].as_str().expect("id"));
    let res = app.post(&automatic, Some(&admin), json!({"count": 1})).await;
    expect_problem(res, StatusCode::CONFLICT, "promotion_is_automatic").await;
    let res = app.post(&format!("{path}/codes"), Some(&admin), json!({"count": 1001})).await;
    assert_eq!(
        fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["count"]
    );

    let all = all_pages(&app, "/v1/admin/promotions?limit=2", Some(&admin)).await;
    assert_eq!(all.len(), 3);
    let deleted = app.request(Method::DELETE, &path, Some(&admin), None).await;
    expect_status(deleted, StatusCode::NO_CONTENT).await;
    expect_problem(app.get(&path, Some(&admin)).await, StatusCode::NOT_FOUND, "not_found").await;
    // Its codes went with it: the shared one is free again.
    let again = json!({"name": "Again", "class": "order", "type": "fixed", "amount": 500, "trigger": "code", "code": "WELCOME10"});
    made(&app, &admin, again).await;

    let customer = app.register("shopper@example.com").await.0;
    let res = app.get("/v1/admin/promotions", Some(&customer)).await;
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn promotion_bodies_are_checked_field_by_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let refused = |body: Value, fields: &'static [&'static str]| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app.post("/v1/admin/promotions", Some(admin), body.clone()).await;
            let problem = expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
            assert_eq!(fields_of(&problem), fields, "{body}: {problem}");
        }
    };
    let order = |extra: Value| {
        let mut body = json!({"name": "P", "class": "order", "type": "percentage", "percentage_bps": 1000, "trigger": "automatic"});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    refused(json!({}), &["name", "class", "trigger", "type"]).await;
    refused(order(json!({"percentage_bps": 0})), &["percentage_bps"]).await;
    refused(order(json!({"percentage_bps": 10_001})), &["percentage_bps"]).await;
    refused(order(json!({"amount": 500})), &["amount"]).await;
    refused(order(json!({"type": "fixed", "percentage_bps": null})), &["amount"]).await;
    refused(order(json!({"type": "free_shipping", "percentage_bps": null})), &["type"]).await;
    refused(order(json!({"type": "buy_x_get_y"})), &["type"]).await;
    refused(
        order(json!({"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"})),
        &["ends_at"],
    )
    .await;
    refused(order(json!({"starts_at": "tomorrow"})), &["starts_at"]).await;
    refused(
        order(json!({"usage_limit": 0, "per_customer_limit": -1})),
        &["usage_limit", "per_customer_limit"],
    )
    .await;
    refused(order(json!({"min_quantity": 10_001})), &["min_quantity"]).await;
    refused(order(json!({"min_subtotal": {"amount": 100, "currency": "eur"}})), &["min_subtotal"]).await;
    refused(
        order(json!({"product_ids": ["prod_nope"], "category_ids": ["cat_nope"]})),
        &["product_ids[0]", "category_ids[0]"],
    )
    .await;
    refused(order(json!({"code": "AUTO10"})), &["code"]).await;
    refused(order(json!({"trigger": "code", "code": "no spaces"})), &["code"]).await;
    let bogo = json!({"name": "B", "class": "product", "type": "buy_x_get_y", "trigger": "automatic", "buy_quantity": 0});
    refused(bogo, &["buy_quantity", "get_quantity"]).await;
    let res = app.post("/v1/admin/promotions", Some(&admin), order(json!({"surprise": 1}))).await;
    expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    let all = all_pages(&app, "/v1/admin/promotions", Some(&admin)).await;
    assert!(all.is_empty(), "nothing refused was made: {all:?}");
}

crate::db_tests!(an_admin_sets_up_promotions_and_codes, promotion_bodies_are_checked_field_by_field);
