//! Carts: guests and customers, lines that merge, current prices, and privacy.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestApp, create_product, expect_problem, expect_status, fields_of, simple_product, variant_of,
};

async fn new_cart(app: &TestApp, token: Option<&str>) -> Value {
    let res = app.client.post(app.url("/v1/carts"));
    let res = match token {
        Some(t) => res.bearer_auth(t),
        None => res,
    };
    expect_status(res.send().await.expect("sent"), StatusCode::CREATED).await
}

async fn a_guest_fills_a_cart_at_current_prices(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mug = simple_product(&app, &admin, "Blue Mug", 1200, 10).await;
    let tee = simple_product(&app, &admin, "Plain Tee", 2500, 10).await;
    let cart = new_cart(&app, None).await;
    let id = cart["id"].as_str().expect("id");
    assert!(id.starts_with("cart_"));
    assert_eq!((cart["status"].clone(), cart["items"].clone()), (json!("open"), json!([])));
    assert_eq!(cart["subtotal"], json!({"amount": 0, "currency": "usd"}));
    assert_eq!(cart["currency"], "usd");

    let items = format!("/v1/carts/{id}/items");
    let add = |variant: String, quantity: i64| {
        app.post(&items, None, json!({"variant_id": variant, "quantity": quantity}))
    };
    expect_status(add(variant_of(&mug), 2).await, StatusCode::OK).await;
    expect_status(add(variant_of(&tee), 1).await, StatusCode::OK).await;
    let cart = expect_status(add(variant_of(&mug), 1).await, StatusCode::OK).await;
    let lines = cart["items"].as_array().expect("items");
    assert_eq!(lines.len(), 2, "the same variant merges into one line");
    assert_eq!(lines[0]["quantity"], 3);
    assert_eq!(lines[0]["product_title"], "Blue Mug");
    assert_eq!(lines[0]["variant_title"], "Default");
    assert_eq!(lines[0]["unit_price"], json!({"amount": 1200, "currency": "usd"}));
    assert_eq!(lines[0]["line_total"]["amount"], 3600);
    assert!(lines[0]["id"].as_str().expect("item id").starts_with("item_"));
    assert_eq!(cart["subtotal"]["amount"], 6100);
    assert_eq!(cart["total"]["amount"], 6100);

    let variant_path = format!("/v1/admin/variants/{}", variant_of(&mug));
    let res = app.request(Method::PATCH, &variant_path, Some(&admin), Some(json!({"price": 1000}))).await;
    expect_status(res, StatusCode::OK).await;
    let cart = expect_status(app.get(&format!("/v1/carts/{id}"), None).await, StatusCode::OK).await;
    assert_eq!(cart["items"][0]["unit_price"]["amount"], 1000, "a cart shows the current price");
    assert_eq!(cart["subtotal"]["amount"], 5500);

    let mug_line = format!("{items}/{}", cart["items"][0]["id"].as_str().expect("line"));
    let tee_line = format!("{items}/{}", cart["items"][1]["id"].as_str().expect("line"));
    let res = app.request(Method::PATCH, &mug_line, None, Some(json!({"quantity": 1}))).await;
    assert_eq!(expect_status(res, StatusCode::OK).await["items"][0]["quantity"], 1);
    let res = app.request(Method::PATCH, &mug_line, None, Some(json!({"quantity": 0}))).await;
    assert_eq!(expect_status(res, StatusCode::OK).await["items"].as_array().expect("items").len(), 1);
    let res = app.request(Method::DELETE, &tee_line, None, None).await;
    let cart = expect_status(res, StatusCode::OK).await;
    assert_eq!((cart["items"].clone(), cart["subtotal"]["amount"].clone()), (json!([]), json!(0)));
    let again = app.request(Method::DELETE, &tee_line, None, None).await;
    expect_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}

async fn a_customers_cart_is_theirs_alone(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let lamp = simple_product(&app, &admin, "Desk Lamp", 4000, 5).await;
    let (ann, _) = app.register("ann@example.com").await;
    let (bob, _) = app.register("bob@example.com").await;
    let cart = new_cart(&app, Some(&ann)).await;
    let path = format!("/v1/carts/{}", cart["id"].as_str().expect("id"));
    let body = json!({"variant_id": variant_of(&lamp), "quantity": 1});
    let added =
        expect_status(app.post(&format!("{path}/items"), Some(&ann), body.clone()).await, StatusCode::OK)
            .await;
    let line = format!("{path}/items/{}", added["items"][0]["id"].as_str().expect("line"));

    for token in [Some(bob.as_str()), None, Some(admin.as_str())] {
        expect_problem(app.get(&path, token).await, StatusCode::NOT_FOUND, "not_found").await;
        let add = app.post(&format!("{path}/items"), token, body.clone()).await;
        expect_problem(add, StatusCode::NOT_FOUND, "not_found").await;
        let patch = app.request(Method::PATCH, &line, token, Some(json!({"quantity": 2}))).await;
        expect_problem(patch, StatusCode::NOT_FOUND, "not_found").await;
        let delete = app.request(Method::DELETE, &line, token, None).await;
        expect_problem(delete, StatusCode::NOT_FOUND, "not_found").await;
    }
    let unknown = app.get("/v1/carts/cart_doesnotexist", Some(&ann)).await;
    let unknown = expect_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let theirs = expect_problem(app.get(&path, Some(&bob)).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(unknown["detail"], theirs["detail"], "not yours reads exactly like not there");
    let mine = expect_status(app.get(&path, Some(&ann)).await, StatusCode::OK).await;
    assert_eq!(mine["items"][0]["quantity"], 1, "nothing the others tried changed it");

    let guest = new_cart(&app, None).await;
    let guest_path = format!("/v1/carts/{}", guest["id"].as_str().expect("id"));
    expect_status(app.get(&guest_path, Some(&bob)).await, StatusCode::OK).await;
    expect_status(app.get(&guest_path, None).await, StatusCode::OK).await;
}

async fn cart_lines_respect_stock_and_limits(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let scarce = simple_product(&app, &admin, "Rare Print", 9000, 3).await;
    let plenty = simple_product(&app, &admin, "Pencil", 100, 5000).await;
    let draft = create_product(
        &app,
        &admin,
        json!({"title": "Secret", "variants": [{"sku": "SEC", "price": 1, "stock": 9}]}),
    )
    .await;
    let cart = new_cart(&app, None).await;
    let items = format!("/v1/carts/{}/items", cart["id"].as_str().expect("id"));
    let add = |variant: String, quantity: i64| {
        app.post(&items, None, json!({"variant_id": variant, "quantity": quantity}))
    };

    let short = expect_problem(add(variant_of(&scarce), 4).await, StatusCode::CONFLICT, "out_of_stock").await;
    assert_eq!(short["available"], 3);
    assert_eq!(fields_of(&short), ["quantity"]);
    let cart = expect_status(add(variant_of(&scarce), 2).await, StatusCode::OK).await;
    let merged =
        expect_problem(add(variant_of(&scarce), 2).await, StatusCode::CONFLICT, "out_of_stock").await;
    assert_eq!(merged["available"], 3, "the merged quantity counts");
    let line = format!("{items}/{}", cart["items"][0]["id"].as_str().expect("line"));
    let grow = app.request(Method::PATCH, &line, None, Some(json!({"quantity": 4}))).await;
    expect_problem(grow, StatusCode::CONFLICT, "out_of_stock").await;
    let cart = expect_status(
        app.get(&format!("/v1/carts/{}", cart["id"].as_str().expect("id")), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cart["items"][0]["quantity"], 2, "refused changes leave the line as it was");

    for (quantity, field) in [(0, "quantity"), (1000, "quantity"), (-1, "quantity")] {
        let res = add(variant_of(&plenty), quantity).await;
        assert_eq!(
            fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
            [field]
        );
    }
    expect_status(add(variant_of(&plenty), 999).await, StatusCode::OK).await;
    let over = add(variant_of(&plenty), 1).await;
    assert_eq!(
        fields_of(&expect_problem(over, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["quantity"]
    );
    for variant in [variant_of(&draft), "var_nope".to_owned()] {
        let res = add(variant, 1).await;
        assert_eq!(
            fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
            ["variant_id"]
        );
    }
    let sneaky = app
        .post(&items, None, json!({"variant_id": variant_of(&plenty), "quantity": 1, "unit_price": 1}))
        .await;
    expect_problem(sneaky, StatusCode::BAD_REQUEST, "validation_failed").await;
    let missing =
        app.request(Method::PATCH, &format!("{items}/item_nope"), None, Some(json!({"quantity": 1}))).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;

    let archive = format!("/v1/admin/products/{}", scarce["id"].as_str().expect("id"));
    assert_eq!(
        app.request(Method::DELETE, &archive, Some(&admin), None).await.status(),
        StatusCode::NO_CONTENT
    );
    let cart = expect_status(app.get(&items.replace("/items", ""), None).await, StatusCode::OK).await;
    assert_eq!(cart["items"][0]["purchasable"], false, "a withdrawn product's line is flagged");
    assert_eq!(cart["items"][1]["purchasable"], true);
    // The withdrawn line counts for nothing, and checkout says which line to remove.
    let buyable = &cart["items"][1];
    assert_eq!(cart["subtotal"]["amount"], buyable["line_total"]["amount"]);
    assert_eq!(cart["total"]["amount"], buyable["line_total"]["amount"]);
    assert_eq!(cart["item_count"], buyable["quantity"]);
    let body = json!({"email": "g@example.com",
        "shipping_address": {"name": "G", "line1": "1 St", "city": "Oslo", "postal_code": "0150", "country": "NO"},
        "payment": {"provider": "test", "payment_method": "pm_card_visa"}});
    let checkout = app.post(&items.replace("/items", "/checkout"), None, body).await;
    let problem = expect_problem(checkout, StatusCode::CONFLICT, "items_unavailable").await;
    assert_eq!(fields_of(&problem), ["items[0]"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains(cart["items"][0]["id"].as_str().expect("id"))
    );
}

crate::db_tests!(
    a_guest_fills_a_cart_at_current_prices,
    a_customers_cart_is_theirs_alone,
    cart_lines_respect_stock_and_limits,
);
