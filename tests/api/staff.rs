//! Staff roles (issue 23): every admin operation in `/openapi.json`, called as every role,
//! answers as the table in docs/API.md ("Staff roles") says: `403 forbidden` where the role may
//! not call it, something else where it may. The table lists every admin operation, and
//! nothing else.

use std::{collections::BTreeMap, time::Duration};

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

/// An owner invites a member of fulfilment staff by email; they choose a password through the
/// link, sign in, ship but cannot edit products; disabled, their session ends at once and they
/// cannot sign in again; the last owner cannot be demoted or disabled.
async fn an_owner_invites_changes_and_disables_staff(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.mail.outbox.poll = Duration::from_millis(20)).await;
    let owner = app.admin_token().await;
    let invite = json!({"email": "sam@example.com", "name": "Sam", "staff_role": "fulfilment"});
    let sam =
        expect_status(app.post("/v1/admin/staff", Some(&owner), invite.clone()).await, StatusCode::CREATED)
            .await;
    assert_eq!((&sam["staff_role"], &sam["disabled"]), (&json!("fulfilment"), &json!(false)));
    let again = app.post("/v1/admin/staff", Some(&owner), invite).await;
    expect_problem(again, StatusCode::CONFLICT, "email_taken").await;

    // Quoted-printable, read as a person would.
    let mail =
        crate::helpers::first_mail(&app).await.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    assert!(mail.contains("Boss invited you"), "{mail}");
    let token: String = mail
        .split("reset-password?token=")
        .nth(1)
        .expect("a link with a token")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        .collect();
    let chosen = json!({"token": token, "password": "sam's own password"});
    expect_status(app.post("/v1/auth/password-reset/confirm", None, chosen).await, StatusCode::NO_CONTENT)
        .await;
    let login = json!({"email": "sam@example.com", "password": "sam's own password"});
    let signed_in =
        expect_status(app.post("/v1/auth/login", None, login.clone()).await, StatusCode::OK).await;
    assert_eq!(signed_in["customer"]["staff_role"], "fulfilment");
    let sam_token = signed_in["token"].as_str().expect("token").to_owned();
    expect_status(app.get("/v1/admin/orders", Some(&sam_token)).await, StatusCode::OK).await;
    let edit = app.request(
        Method::PATCH,
        "/v1/admin/products/missing",
        Some(&sam_token),
        Some(json!({"title": "x"})),
    );
    expect_problem(edit.await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(app.get("/v1/admin/staff", Some(&sam_token)).await, StatusCode::FORBIDDEN, "forbidden")
        .await;

    let sam_path = format!("/v1/admin/staff/{}", sam["id"].as_str().expect("id"));
    let disable = app.request(Method::PATCH, &sam_path, Some(&owner), Some(json!({"disabled": true}))).await;
    assert_eq!(expect_status(disable, StatusCode::OK).await["disabled"], true);
    expect_problem(
        app.get("/v1/admin/orders", Some(&sam_token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.post("/v1/auth/login", None, login.clone()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let enable = json!({"disabled": false, "staff_role": "manager"});
    let enabled = app.request(Method::PATCH, &sam_path, Some(&owner), Some(enable)).await;
    assert_eq!(expect_status(enabled, StatusCode::OK).await["staff_role"], "manager");
    expect_status(app.post("/v1/auth/login", None, login).await, StatusCode::OK).await;

    let staff = expect_status(app.get("/v1/admin/staff", Some(&owner)).await, StatusCode::OK).await;
    let boss = staff["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|s| s["staff_role"] == "owner")
        .expect("owner")
        .clone();
    let boss_path = format!("/v1/admin/staff/{}", boss["id"].as_str().expect("id"));
    for change in [json!({"staff_role": "manager"}), json!({"disabled": true})] {
        let res = app.request(Method::PATCH, &boss_path, Some(&owner), Some(change)).await;
        expect_problem(res, StatusCode::CONFLICT, "last_owner").await;
    }
    let customer = app.register("shopper@example.com").await.1;
    let not_staff = format!("/v1/admin/staff/{}", customer["id"].as_str().expect("id"));
    let res =
        app.request(Method::PATCH, &not_staff, Some(&owner), Some(json!({"staff_role": "owner"}))).await;
    expect_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

crate::db_tests!(
    an_owner_invites_changes_and_disables_staff,
    every_admin_operation_answers_as_the_permission_table_says,
    a_customer_is_refused_every_admin_route,
);
