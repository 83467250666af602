use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, create_category, expect_problem, expect_status, fields_of};

async fn admins_build_a_category_tree_that_anyone_can_read(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let clothing = create_category(&app, &admin, json!({"name": "Men's Clothing"})).await;
    assert!(clothing["id"].as_str().expect("id").starts_with("cat_"));
    assert_eq!(clothing["handle"], "mens-clothing");
    assert_eq!(clothing["parent_id"], Value::Null);
    let shirts = create_category(
        &app,
        &admin,
        json!({"name": "T-Shirts", "handle": "tees", "parent_id": clothing["id"]}),
    )
    .await;
    assert_eq!(shirts["parent_id"], clothing["id"]);

    let list = expect_status(app.get("/v1/categories", None).await, StatusCode::OK).await;
    let data = list["data"].as_array().expect("data");
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["id"], clothing["id"], "parents come first");
    assert_eq!(data[1], shirts);
    for key in ["id", "handle", "name", "parent_id"] {
        assert!(data[1].get(key).is_some(), "{key}");
    }
    assert_eq!(list["next_cursor"], Value::Null);
}

async fn category_input_is_checked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    create_category(&app, &admin, json!({"name": "Shoes"})).await;
    let dup = app
        .post("/v1/admin/categories", Some(&admin), json!({"name": "More shoes", "handle": "shoes"}))
        .await;
    expect_problem(dup, StatusCode::CONFLICT, "handle_taken").await;
    let orphan = app
        .post("/v1/admin/categories", Some(&admin), json!({"name": "Boots", "parent_id": "cat_nope"}))
        .await;
    assert_eq!(
        fields_of(&expect_problem(orphan, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["parent_id"]
    );
    let bad =
        app.post("/v1/admin/categories", Some(&admin), json!({"name": "", "handle": "Bad Handle"})).await;
    assert_eq!(
        fields_of(&expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["name", "handle"]
    );
    let unnamed = app.post("/v1/admin/categories", Some(&admin), json!({"name": "日本"})).await;
    assert_eq!(
        fields_of(&expect_problem(unnamed, StatusCode::BAD_REQUEST, "validation_failed").await),
        ["handle"]
    );
    let list = expect_status(app.get("/v1/categories", None).await, StatusCode::OK).await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1), "nothing half-written: {list}");
}

async fn only_admins_create_categories(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let body = json!({"name": "Hats"});
    expect_problem(
        app.post("/v1/admin/categories", None, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let (customer, _) = app.register("hat@example.com").await;
    expect_problem(
        app.post("/v1/admin/categories", Some(&customer), body).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let list = expect_status(app.get("/v1/categories", None).await, StatusCode::OK).await;
    assert_eq!(list["data"], json!([]));
}

async fn categories_page_completely(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created
            .push(create_category(&app, &admin, json!({"name": format!("Aisle {i}")})).await["id"].clone());
    }
    let mut seen = Vec::new();
    let mut path = "/v1/categories?limit=2".to_owned();
    loop {
        let page = expect_status(app.get(&path, None).await, StatusCode::OK).await;
        seen.extend(page["data"].as_array().expect("data").iter().map(|c| c["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/categories?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, created);
}

/// Categories are renamed and moved (never under themselves), and deleted only when empty.
async fn categories_are_renamed_moved_and_deleted_when_empty(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let top = create_category(&app, &admin, json!({"name": "Outdoors"})).await;
    let mid = create_category(&app, &admin, json!({"name": "Camping", "parent_id": top["id"]})).await;
    let leaf = create_category(&app, &admin, json!({"name": "Tents", "parent_id": mid["id"]})).await;
    let path = |c: &Value| format!("/v1/admin/categories/{}", c["id"].as_str().expect("id"));
    let patch = |c: &Value, body: Value| {
        let path = path(c);
        let app = &app;
        let admin = admin.clone();
        async move { app.request(reqwest::Method::PATCH, &path, Some(&admin), Some(body)).await }
    };

    let renamed =
        expect_status(patch(&leaf, json!({"name": "Shelters", "handle": "shelters"})).await, StatusCode::OK)
            .await;
    assert_eq!(
        (renamed["name"].clone(), renamed["handle"].clone(), renamed["parent_id"].clone()),
        (json!("Shelters"), json!("shelters"), mid["id"].clone()),
        "the parent stays when left out"
    );
    let moved = expect_status(patch(&leaf, json!({"parent_id": top["id"]})).await, StatusCode::OK).await;
    assert_eq!(moved["parent_id"], top["id"]);
    let topped = expect_status(patch(&leaf, json!({"parent_id": null})).await, StatusCode::OK).await;
    assert_eq!(topped["parent_id"], Value::Null);
    for parent in [&top, &mid] {
        let res = patch(&top, json!({"parent_id": parent["id"]})).await;
        assert_eq!(
            fields_of(&expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await),
            ["parent_id"]
        );
    }
    let taken = patch(&leaf, json!({"handle": "camping"})).await;
    expect_problem(taken, StatusCode::CONFLICT, "handle_taken").await;

    let product = crate::helpers::create_product(
        &app,
        &admin,
        json!({"title": "Trail Tent", "category_ids": [mid["id"]]}),
    )
    .await;
    let delete = |c: &Value| {
        let path = path(c);
        let app = &app;
        let admin = admin.clone();
        async move { app.request(reqwest::Method::DELETE, &path, Some(&admin), None).await }
    };
    let full = expect_problem(delete(&top).await, StatusCode::CONFLICT, "category_not_empty").await;
    assert_eq!((full["subcategories"].clone(), full["products"].clone()), (json!(1), json!(0)));
    let holds = expect_problem(delete(&mid).await, StatusCode::CONFLICT, "category_not_empty").await;
    assert_eq!(holds["products"], 1);
    let product_path = format!("/v1/admin/products/{}", product["id"].as_str().expect("id"));
    let refiled = app
        .request(reqwest::Method::PATCH, &product_path, Some(&admin), Some(json!({"category_ids": []})))
        .await;
    expect_status(refiled, StatusCode::OK).await;
    assert_eq!(delete(&mid).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(delete(&top).await.status(), StatusCode::NO_CONTENT);
    expect_problem(delete(&top).await, StatusCode::NOT_FOUND, "not_found").await;
    let left = expect_status(app.get("/v1/categories", None).await, StatusCode::OK).await;
    assert_eq!(left["data"].as_array().expect("data").len(), 1, "only the moved leaf is left");
}

crate::db_tests!(
    categories_are_renamed_moved_and_deleted_when_empty,
    admins_build_a_category_tree_that_anyone_can_read,
    category_input_is_checked,
    only_admins_create_categories,
    categories_page_completely,
);
