//! Inventory: admin adjustments, the ledger, and stock that never goes below zero.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, all_pages, expect_problem, expect_status, fields_of, simple_product};

fn adjustments_path(product: &Value) -> String {
    format!("/v1/admin/inventory/{}/adjustments", product["variants"][0]["id"].as_str().expect("variant"))
}

async fn adjustments_change_stock_and_are_kept_in_a_ledger(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let (customer, _) = app.register("shopper@example.com").await;
    let product = simple_product(&app, &admin, "Tin Whistle", 900, 5).await;
    let path = adjustments_path(&product);
    let adjust =
        |delta: i64, reason: &str| app.post(&path, Some(&admin), json!({"delta": delta, "reason": reason}));

    let level = expect_status(adjust(10, "delivery").await, StatusCode::OK).await;
    assert_eq!(level["variant_id"], product["variants"][0]["id"]);
    assert_eq!(
        (level["on_hand"].clone(), level["reserved"].clone(), level["available"].clone()),
        (json!(15), json!(0), json!(15))
    );
    let refused = expect_problem(adjust(-16, "stocktake").await, StatusCode::CONFLICT, "out_of_stock").await;
    assert_eq!(fields_of(&refused), ["delta"]);
    assert!(refused["errors"][0]["message"].as_str().expect("message").contains("15"), "{refused}");
    let level = expect_status(adjust(-15, "water damage").await, StatusCode::OK).await;
    assert_eq!(level["available"], 0);
    let seen = expect_status(
        app.get(&format!("/v1/products/{}", product["handle"].as_str().expect("h")), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (seen["variants"][0]["available"].clone(), seen["variants"][0]["in_stock"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(seen["in_stock"], false);

    let ledger = all_pages(&app, &format!("{path}?limit=2"), Some(&admin)).await;
    let rows: Vec<(Value, Value, Value)> = ledger
        .iter()
        .map(|e| (e["kind"].clone(), e["on_hand_delta"].clone(), e["on_hand_after"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (json!("adjustment"), json!(-15), json!(0)),
            (json!("adjustment"), json!(10), json!(15)),
            (json!("initial"), json!(5), json!(5)),
        ],
        "newest first; the refused adjustment left no trace"
    );
    let me = expect_status(app.get("/v1/me", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(
        (ledger[0]["actor"].clone(), ledger[0]["reason"].clone()),
        (me["id"].clone(), json!("water damage"))
    );

    for body in [
        json!({"delta": 0, "reason": "x"}),
        json!({"delta": 1, "reason": ""}),
        json!({"delta": 1}),
        json!({"delta": i64::MIN, "reason": "overflow"}),
    ] {
        expect_problem(
            app.post(&path, Some(&admin), body).await,
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
    }
    let unknown = app
        .post("/v1/admin/inventory/var_nope/adjustments", Some(&admin), json!({"delta": 1, "reason": "x"}))
        .await;
    expect_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let as_customer = app.post(&path, Some(&customer), json!({"delta": 1, "reason": "x"})).await;
    expect_problem(as_customer, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn racing_removals_never_take_stock_below_zero(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Last Units", 500, 10).await;
    let path = adjustments_path(&product);
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let request =
            app.client.post(app.url(&path)).bearer_auth(&admin).json(&json!({"delta": -1, "reason": "race"}));
        racers.spawn(async move { request.send().await.expect("sent").status() });
    }
    let statuses: Vec<StatusCode> = racers.join_all().await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((ok, refused), (10, 10), "{statuses:?}");
    let levels = expect_status(app.get("/v1/admin/inventory", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(levels["data"][0]["on_hand"], 0);
    let ledger = all_pages(&app, &format!("{path}?limit=100"), Some(&admin)).await;
    assert_eq!(ledger.len(), 11, "ten removals and the opening stock");
}

async fn low_stock_lists_what_to_reorder(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let empty = simple_product(&app, &admin, "Empty Shelf", 100, 0).await;
    let low = simple_product(&app, &admin, "Low Shelf", 100, 3).await;
    simple_product(&app, &admin, "Full Shelf", 100, 50).await;
    let all = all_pages(&app, "/v1/admin/inventory?limit=1", Some(&admin)).await;
    assert_eq!(all.len(), 3);
    let skus: Vec<&str> = all.iter().map(|l| l["sku"].as_str().expect("sku")).collect();
    let mut sorted = skus.clone();
    sorted.sort_unstable();
    assert_eq!(skus, sorted, "ordered by SKU");
    let low_stock = all_pages(&app, "/v1/admin/inventory?low_stock=5&limit=1", Some(&admin)).await;
    let mut variants: Vec<Value> = low_stock.iter().map(|l| l["variant_id"].clone()).collect();
    variants.sort_by_key(|v| v.as_str().map(str::to_owned));
    let mut expected = vec![empty["variants"][0]["id"].clone(), low["variants"][0]["id"].clone()];
    expected.sort_by_key(|v| v.as_str().map(str::to_owned));
    assert_eq!(variants, expected);
    assert_eq!(low_stock.iter().find(|l| l["product_title"] == "Low Shelf").expect("low")["available"], 3);
    let bad = app.get("/v1/admin/inventory?low_stock=-1", Some(&admin)).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
}

/// The shoppers' catalog is served from a short cache; every write that changes what they see
/// must show on their very next read.
async fn shoppers_see_stock_and_price_changes_at_once(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.catalog_cache = std::time::Duration::from_secs(3600)).await;
    let admin = app.admin_token().await;
    let product = simple_product(&app, &admin, "Brass Bell", 1200, 1).await;
    let detail = format!("/v1/products/{}", product["handle"].as_str().expect("handle"));
    let read = || async {
        let list = expect_status(app.get("/v1/products", None).await, StatusCode::OK).await;
        let one = expect_status(app.get(&detail, None).await, StatusCode::OK).await;
        (
            list["data"][0]["in_stock"].clone(),
            one["variants"][0]["available"].clone(),
            one["variants"][0]["price"]["amount"].clone(),
        )
    };
    assert_eq!(read().await, (json!(true), json!(1), json!(1200)));

    let cart = expect_status(app.post("/v1/carts", None, json!({})).await, StatusCode::CREATED).await;
    let cart = cart["id"].as_str().expect("cart").to_owned();
    let line = json!({"variant_id": product["variants"][0]["id"], "quantity": 1});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, line).await, StatusCode::OK).await;
    let body = json!({"email": "bell@example.com",
        "shipping_address": {"name": "Bea", "line1": "1 Main St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    expect_status(app.post(&format!("/v1/carts/{cart}/checkout"), None, body).await, StatusCode::CREATED)
        .await;
    assert_eq!(read().await, (json!(false), json!(0), json!(1200)), "sold out at once");

    expect_status(
        app.post(&adjustments_path(&product), Some(&admin), json!({"delta": 4, "reason": "restock"})).await,
        StatusCode::OK,
    )
    .await;
    let variant = format!("/v1/admin/variants/{}", product["variants"][0]["id"].as_str().expect("variant"));
    let repriced =
        app.request(reqwest::Method::PATCH, &variant, Some(&admin), Some(json!({"price": 1500}))).await;
    expect_status(repriced, StatusCode::OK).await;
    assert_eq!(read().await, (json!(true), json!(4), json!(1500)), "restocked and repriced at once");
}

/// An answer too large for the catalog cache is served all the same, just not kept: a page
/// of 60 products with the longest descriptions allowed.
async fn a_page_too_large_to_cache_is_still_served(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let description = "Long story. ".repeat(800);
    for n in 0..60 {
        let body = json!({"title": format!("Epic Quilt {n}"), "description": description, "status": "published",
                          "variants": [{"sku": format!("QUILT-{n}"), "price": 9900, "stock": 3}]});
        crate::helpers::create_product(&app, &admin, body).await;
    }
    for _ in 0..2 {
        let page = expect_status(app.get("/v1/products?limit=100", None).await, StatusCode::OK).await;
        assert_eq!(page["data"].as_array().map(Vec::len), Some(60));
    }
}

crate::db_tests!(
    a_page_too_large_to_cache_is_still_served,
    shoppers_see_stock_and_price_changes_at_once,
    adjustments_change_stock_and_are_kept_in_a_ledger,
    racing_removals_never_take_stock_below_zero,
    low_stock_lists_what_to_reorder,
);
