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

crate::db_tests!(
    admins_build_a_category_tree_that_anyone_can_read,
    category_input_is_checked,
    only_admins_create_categories,
    categories_page_completely,
);
