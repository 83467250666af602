//! Staff roles (issue 23): every admin operation in `/openapi.json`, called as every role,
//! answers as the table in docs/API.md ("Staff roles") says: `403 forbidden` where the role may
//! not call it, something else where it may. The table lists every admin operation, and
//! nothing else.

use std::collections::BTreeMap;

use oxcart::accounts::StaffRole;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Engine, TestApp, expect_problem, expect_status};

/// docs/API.md's table: `METHOD /path` → whether each of [`StaffRole::ALL`] may call it.
fn documented() -> BTreeMap<String, Vec<bool>> {
    let doc = include_str!("../../docs/API.md");
    let section = doc.split("### Staff roles").nth(1).expect("docs/API.md has a Staff roles section");
    let header = section.lines().find(|l| l.starts_with("| operation |")).expect("the table");
    let roles: Vec<&str> = header.split('|').map(str::trim).filter(|c| !c.is_empty()).skip(1).collect();
    assert_eq!(roles, StaffRole::ALL.map(StaffRole::as_str), "the table's columns are the roles, in order");
    section
        .lines()
        .skip_while(|l| !l.starts_with("| operation |"))
        .skip(2)
        .take_while(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
            let operation = cells[0].trim_matches('`').to_owned();
            let allowed = cells[1..].iter().map(|c| *c == "yes").collect();
            (operation, allowed)
        })
        .collect()
}

async fn every_admin_operation_answers_as_the_permission_table_says(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let mut tokens = Vec::new();
    for role in StaffRole::ALL {
        tokens.push(app.staff_token(role).await);
    }
    let spec = expect_status(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let table = documented();
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if !path.starts_with("/v1/admin") {
            continue;
        }
        for method in item.as_object().expect("operations").keys() {
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    let listed: Vec<String> = operations.iter().map(|(m, p)| format!("{m} {p}")).collect();
    assert_eq!(
        listed.iter().cloned().collect::<std::collections::BTreeSet<_>>(),
        table.keys().cloned().collect(),
        "docs/API.md lists every admin operation, and only those"
    );
    for ((method, path), operation) in operations.iter().zip(&listed) {
        // Ids that exist nowhere: an allowed call is refused later (404, 400), never 403.
        let url = path.replace("{id}", "missing").replace("{variant_id}", "missing");
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
        for ((role, token), allowed) in StaffRole::ALL.iter().zip(&tokens).zip(&table[operation]) {
            let res = app.request(method.clone(), &url, Some(token), body.clone()).await;
            if *allowed {
                assert_ne!(res.status(), StatusCode::FORBIDDEN, "{operation} as {}", role.as_str());
            } else {
                let problem = expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
                assert_eq!(problem["staff_role"], role.as_str(), "{operation}");
            }
        }
    }
}

/// A customer is no admin, whatever the route.
async fn a_customer_is_refused_every_admin_route(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (token, _) = app.register("shopper@example.com").await;
    let res = app.get("/v1/admin/orders", Some(&token)).await;
    let problem = expect_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(problem.get("staff_role").is_none(), "{problem}");
}

crate::db_tests!(
    every_admin_operation_answers_as_the_permission_table_says,
    a_customer_is_refused_every_admin_route,
);
