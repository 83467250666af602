use std::collections::HashSet;

use reqwest::StatusCode;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status};

async fn admin_routes_answer_401_then_403_then_200(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    expect_problem(app.get("/v1/admin/customers", None).await, StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
    let (customer, _) = app.register("cy@example.com").await;
    expect_problem(app.get("/v1/admin/customers", Some(&customer)).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    let admin = app.admin_token().await;
    let page = expect_status(app.get("/v1/admin/customers", Some(&admin)).await, StatusCode::OK).await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    assert!(page["data"].as_array().into_iter().flatten().all(|c| c.get("password_hash").is_none()));
}

async fn admin_customer_list_pages_completely_newest_first(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let admin = app.admin_token().await;
    let mut registered = vec!["boss@example.com".to_owned()];
    for i in 0..5 {
        let email = format!("shopper{i}@example.com");
        app.register(&email).await;
        registered.push(email);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/admin/customers?limit=2&cursor={c}"),
            None => "/v1/admin/customers?limit=2".to_owned(),
        };
        let page = expect_status(app.get(&path, Some(&admin)).await, StatusCode::OK).await;
        let data = page["data"].as_array().expect("data");
        assert!(data.len() <= 2);
        seen.extend(data.iter().map(|c| {
            (c["created_at"].as_str().unwrap_or("").to_owned(), c["email"].as_str().unwrap_or("").to_owned())
        }));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let emails: HashSet<_> = seen.iter().map(|(_, e)| e.clone()).collect();
    assert_eq!(seen.len(), registered.len(), "no duplicates: {seen:?}");
    assert_eq!(emails, registered.into_iter().collect::<HashSet<_>>());
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "newest first: {seen:?}");

    expect_problem(
        app.get("/v1/admin/customers?limit=101", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/admin/customers?limit=abc", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/v1/admin/customers?cursor=garbage", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
}

async fn unknown_admin_paths_still_require_an_admin(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (customer, _) = app.register("dee@example.com").await;
    let res = app.get("/v1/admin/customers", Some(&customer)).await;
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app.post("/v1/admin/customers", None, serde_json::json!({})).await;
    assert!(
        matches!(res.status(), StatusCode::UNAUTHORIZED | StatusCode::METHOD_NOT_ALLOWED),
        "{}",
        res.status()
    );
}

crate::db_tests!(
    admin_routes_answer_401_then_403_then_200,
    admin_customer_list_pages_completely_newest_first,
    unknown_admin_paths_still_require_an_admin,
);
