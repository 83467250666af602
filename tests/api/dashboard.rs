//! The dashboard's home (issue 23): its numbers agree with the orders placed, stock and the
//! outbox, at the operator's offset; bad parameters are refused; it is not for every role.

use oxcart::accounts::StaffRole;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    fulfilment::paid_order,
    helpers::{Engine, TestApp, expect_problem, expect_status, simple_product, variant_of},
};

async fn home(app: &TestApp, token: &str, query: &str) -> Value {
    expect_status(app.get(&format!("/v1/admin/dashboard{query}"), Some(token)).await, StatusCode::OK).await
}

async fn the_home_numbers_agree_with_the_orders_placed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let owner = app.admin_token().await;
    let before = home(&app, &owner, "").await;
    assert_eq!(before["today"]["orders"], 0);
    assert_eq!(before["per_day"].as_array().map(Vec::len), Some(30));

    let mug = simple_product(&app, &owner, "Dashboard mug", 1250, 3).await;
    let lamp = simple_product(&app, &owner, "Dashboard lamp", 4000, 50).await;
    let base = app.url("");
    let first = paid_order(&app.client, &base, &[(&variant_of(&mug), 2)]).await;
    let second = paid_order(&app.client, &base, &[(&variant_of(&lamp), 1)]).await;
    let cancelled = paid_order(&app.client, &base, &[(&variant_of(&lamp), 1)]).await;
    let cancel = format!("/v1/admin/orders/{}/cancel", cancelled["id"].as_str().expect("id"));
    expect_status(app.request(Method::POST, &cancel, Some(&owner), None).await, StatusCode::OK).await;
    let fulfil = format!("/v1/admin/orders/{}/fulfill", second["id"].as_str().expect("id"));
    expect_status(app.post(&fulfil, Some(&owner), json!({})).await, StatusCode::OK).await;

    let total = |o: &Value| o["total"]["amount"].as_i64().expect("total");
    let revenue = total(&first) + total(&second);
    // East and west of UTC, today still holds what was just placed (unless the test runs
    // within minutes of a local midnight, which an offset of 0 covers).
    let now = home(&app, &owner, "?days=7&utc_offset_minutes=0&low_stock_threshold=1").await;
    for period in ["today", "last_7_days", "last_30_days"] {
        assert_eq!(now[period]["orders"], 2, "{period}: {now:#}");
        assert_eq!(now[period]["revenue"]["amount"], revenue, "{period}");
        assert_eq!(now[period]["average_order_value"]["amount"], (revenue + 1) / 2, "{period}");
    }
    let days = now["per_day"].as_array().expect("per_day");
    assert_eq!(days.len(), 7);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!((&days[6]["date"], &days[6]["orders"]), (&json!(today), &json!(2)));
    let summed: i64 = days.iter().map(|d| d["revenue"]["amount"].as_i64().expect("amount")).sum();
    assert_eq!(summed, revenue, "the days add up to the period");
    assert_eq!(now["awaiting_shipment"], 1, "the first is paid; the second shipped; one cancelled");
    let low: Vec<&str> = now["low_stock"]["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|v| v["sku"].as_str().expect("sku"))
        .collect();
    assert_eq!(low, [mug["variants"][0]["sku"].as_str().expect("sku")], "3 − 2 = 1 mug left");
    assert!(now["outbox"]["pending"].as_i64().is_some() && now["outbox"]["dead"] == 0, "{now:#}");

    for bad in ["?days=0", "?days=91", "?utc_offset_minutes=900", "?low_stock_threshold=-1"] {
        let res = app.get(&format!("/v1/admin/dashboard{bad}"), Some(&owner)).await;
        expect_problem(res, StatusCode::BAD_REQUEST, "validation_failed").await;
    }
    let fulfilment = app.staff_token(StaffRole::Fulfilment).await;
    let res = app.get("/v1/admin/dashboard", Some(&fulfilment)).await;
    expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let read_only = app.staff_token(StaffRole::ReadOnly).await;
    home(&app, &read_only, "").await;
}

crate::db_tests!(the_home_numbers_agree_with_the_orders_placed);
