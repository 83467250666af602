//! Products created many at a time (`oxcart seed --products`) go through the same checks and
//! statements as the admin API, all of a batch or none of it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, all_pages, create_category, create_product, expect_status, scalar};
use oxcart::catalog::products::{NewProduct, create_products};

fn product(body: Value) -> NewProduct {
    serde_json::from_value(body).expect("a product body")
}

async fn a_batch_is_what_products_made_one_by_one_are(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mugs =
        create_category(&app, &admin, json!({"name": "Mugs"})).await["id"].as_str().expect("id").to_owned();
    let spec = |title: &str, sku: &str| {
        json!({"title": title, "status": "published", "description": "Glazed stoneware.",
               "category_ids": [mugs],
               "variants": [{"sku": format!("{sku}-S"), "price": 1200, "stock": 4, "options": {"size": "S"}},
                            {"sku": format!("{sku}-L"), "price": 1500, "stock": 0, "options": {"size": "L"}}]})
    };
    let one = create_product(&app, &admin, spec("Blue Mug", "BLUE")).await;
    let range = &one["price_range"];
    assert_eq!((&range["min"]["amount"], &range["max"]["amount"]), (&json!(1200), &json!(1500)));
    assert_eq!(one["categories"][0]["name"], "Mugs");
    let batch = vec![product(spec("Green Mug", "GREEN")), product(spec("Amber Mug", "AMBER"))];
    assert_eq!(create_products(&app.db, "usd", "cust_test", batch).await.expect("created"), 2);

    let listed = all_pages(&app, "/v1/products?q=mug&sort=title", None).await;
    let titles: Vec<&str> = listed.iter().map(|p| p["title"].as_str().expect("title")).collect();
    assert_eq!(titles, ["Amber Mug", "Blue Mug", "Green Mug"], "searchable like any product");
    let shape = |p: &Value| {
        let variants: Vec<Value> = p["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .map(|v| json!([v["title"], v["options"], v["price"], v["available"], v["in_stock"]]))
            .collect();
        json!([p["status"], p["description"], p["category_ids"], p["price_range"], p["in_stock"], variants])
    };
    for made in &listed {
        assert_eq!(shape(made), shape(&one), "{} is what one made by the API is", made["title"]);
        let variant = made["variants"][0]["id"].as_str().expect("variant");
        let ledger = app.get(&format!("/v1/admin/inventory/{variant}/adjustments"), Some(&admin)).await;
        let ledger = expect_status(ledger, StatusCode::OK).await;
        assert_eq!(ledger["data"][0]["kind"], "initial", "opening stock is in the ledger");
        assert_eq!(ledger["data"][0]["on_hand_delta"], 4);
    }
    let empty_variant = listed[0]["variants"][1]["id"].as_str().expect("variant");
    let ledger = app.get(&format!("/v1/admin/inventory/{empty_variant}/adjustments"), Some(&admin)).await;
    assert_eq!(expect_status(ledger, StatusCode::OK).await["data"], json!([]), "no ledger row for no stock");
}

async fn a_batch_with_one_bad_product_writes_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    create_product(&app, &admin, json!({"title": "Taken", "variants": [{"sku": "T-1", "price": 1}]})).await;
    let fresh = || product(json!({"title": "Fresh", "variants": [{"sku": "F-1", "price": 1, "stock": 3}]}));
    let products = || scalar(&app.db, "SELECT COUNT(*) FROM products");
    let before = (products().await, scalar(&app.db, "SELECT COUNT(*) FROM inventory_ledger").await);

    let handle =
        create_products(&app.db, "usd", "cust_test", vec![fresh(), product(json!({"title": "Taken"}))]).await;
    assert_eq!(handle.expect_err("refused").code(), "handle_taken");
    let sku = product(json!({"title": "Other", "variants": [{"sku": "T-1", "price": 1}]}));
    let sku = create_products(&app.db, "usd", "cust_test", vec![fresh(), sku]).await;
    assert_eq!(sku.expect_err("refused").code(), "sku_taken");
    let category = product(json!({"title": "Other", "category_ids": ["cat_nope"]}));
    let category = create_products(&app.db, "usd", "cust_test", vec![fresh(), category]).await;
    assert_eq!(category.expect_err("refused").code(), "validation_failed");
    let invalid = product(json!({"title": "", "variants": [{"sku": "X-1", "price": -1}]}));
    let invalid = create_products(&app.db, "usd", "cust_test", vec![fresh(), invalid]).await;
    assert_eq!(invalid.expect_err("refused").code(), "validation_failed");

    let after = (products().await, scalar(&app.db, "SELECT COUNT(*) FROM inventory_ledger").await);
    assert_eq!(after, before, "nothing of a refused batch was written");
}

crate::db_tests!(a_batch_is_what_products_made_one_by_one_are, a_batch_with_one_bad_product_writes_nothing);
