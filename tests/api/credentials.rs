//! Sessions and passwords under attack: a reset ends every session opened with the old
//! password (even logins in flight), hashing is bounded, and rate limits count before the work.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestApp, expect_status};

/// Logins with the old password race a password reset, many times over. Whatever the order in
/// which they commit, no token from those logins works once the reset is done.
async fn a_password_reset_ends_every_login_that_raced_it(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.rate_limits.login_failures_per_email = 10_000;
        c.rate_limits.password_reset_per_ip = 10_000;
    })
    .await;
    let email = "race@example.com";
    app.register(email).await;
    let mut password = "correct horse".to_owned();
    let (mut opened, mut refused) = (0, 0);
    for round in 0..12 {
        let (_, reset_token) = oxcart::accounts::start_password_reset(&app.db, email)
            .await
            .expect("reset")
            .expect("the account exists");
        let new_password = format!("new password {round}");
        let mut logins = tokio::task::JoinSet::new();
        for i in 0..6u64 {
            let body = json!({"email": email, "password": password});
            let request = app.client.post(app.url("/v1/auth/login")).json(&body);
            logins.spawn(async move {
                tokio::time::sleep(Duration::from_millis(8 * i)).await;
                let res = request.send().await.expect("sent");
                let status = res.status();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            });
        }
        let confirm = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let body = json!({"token": reset_token, "password": new_password});
            app.post("/v1/auth/password-reset/confirm", None, body).await.status()
        };
        let (answers, confirmed) = tokio::join!(logins.join_all(), confirm);
        assert_eq!(confirmed, StatusCode::NO_CONTENT);
        for (status, body) in answers {
            match status {
                StatusCode::OK => {
                    opened += 1;
                    let token = body["token"].as_str().expect("token");
                    let me = app.get("/v1/me", Some(token)).await.status();
                    assert_eq!(me, StatusCode::UNAUTHORIZED, "round {round}: a session outlived the reset");
                }
                StatusCode::UNAUTHORIZED => refused += 1,
                other => panic!("round {round}: login answered {other}: {body}"),
            }
        }
        password = new_password;
    }
    // Both outcomes happened, so the race was really run: sessions opened (and then ended)
    // and logins refused because the reset came first.
    assert!(opened > 0 && refused > 0, "opened {opened}, refused {refused}");
    let fresh = app.post("/v1/auth/login", None, json!({"email": email, "password": password})).await;
    let token = expect_status(fresh, StatusCode::OK).await["token"].as_str().expect("token").to_owned();
    expect_status(app.get("/v1/me", Some(&token)).await, StatusCode::OK).await;
}

crate::db_tests!(a_password_reset_ends_every_login_that_raced_it);
