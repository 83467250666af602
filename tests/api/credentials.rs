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
        c.rate_limits.login_failures_per_email_and_ip = 10_000;
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
                // The whole suite shares this process's hashing threads: busy opens nothing.
                StatusCode::SERVICE_UNAVAILABLE => {}
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

/// 60 guesses at once against one account from one client: exactly as many are checked as
/// the limit allows, because each is counted before its password is.
async fn parallel_guesses_are_counted_before_they_are_checked(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.proxy.hops = 1).await;
    app.register("target@example.com").await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..60 {
        let body = json!({"email": "target@example.com", "password": format!("guess number {i}")});
        let request = app.client.post(app.url("/v1/auth/login")).header("x-forwarded-for", "203.0.113.50");
        guesses.spawn(async move { request.json(&body).send().await.expect("sent").status() });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, limited), (10, 50), "{statuses:?}");
}

/// Behind a proxy, the client is the address the proxy appended: rotating what the client
/// writes to the left changes nothing, and claiming to be 127.0.0.1 earns no exemption.
async fn a_forwarded_address_cannot_be_chosen_by_the_client(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.proxy.hops = 1;
        c.rate_limits.login_failures_per_ip = 5;
    })
    .await;
    for i in 0..5 {
        let status = login_status(
            &app,
            &format!("10.0.0.{i}"),
            "203.0.113.60",
            &format!("u{i}@example.com"),
            "guess guess",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let rotated = login_status(&app, "10.9.9.9", "203.0.113.60", "u9@example.com", "guess guess").await;
    assert_eq!(rotated, StatusCode::TOO_MANY_REQUESTS, "a new left-hand address is no new client");
    for i in 0..6 {
        let status = login_status(&app, "", "127.0.0.1", &format!("l{i}@example.com"), "guess guess").await;
        let expected = if i < 5 { StatusCode::UNAUTHORIZED } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(status, expected, "a forwarded 127.0.0.1 is limited like any client ({i})");
    }
    let other = login_status(&app, "", "198.51.100.7", "u1@example.com", "guess guess").await;
    assert_eq!(other, StatusCode::UNAUTHORIZED, "other clients are unaffected");
}

/// Someone guessing an account's password from one address is stopped there; the owner, from
/// their own address, still signs in, and their success does not clear the attacker's count.
async fn an_attacker_cannot_lock_the_owner_out(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.proxy.hops = 1).await;
    app.register("owner@example.com").await;
    for _ in 0..10 {
        let status = login_status(&app, "", "203.0.113.66", "owner@example.com", "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let stopped = login_status(&app, "", "203.0.113.66", "owner@example.com", "correct horse").await;
    assert_eq!(stopped, StatusCode::TOO_MANY_REQUESTS, "the attacker's address is stopped for this account");
    let owner = login_status(&app, "", "198.51.100.20", "owner@example.com", "correct horse").await;
    assert_eq!(owner, StatusCode::OK, "the owner signs in from their own address");
    let still = login_status(&app, "", "203.0.113.66", "owner@example.com", "correct horse").await;
    assert_eq!(still, StatusCode::TOO_MANY_REQUESTS);
}

/// Someone failing logins for an account from many addresses reaches the account's ceiling:
/// strangers (and the owner on a new device) are held, but the owner's browser that signed in
/// before is counted on its own and signs in, from wherever it is.
async fn a_known_device_is_never_locked_out(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| {
        c.proxy.hops = 1;
        c.rate_limits.login_failures_per_email = 30;
    })
    .await;
    let email = "famous@example.com";
    app.register(email).await;
    let home = app.login_via_proxy("", "198.51.100.30", email, "correct horse").await;
    let device = home
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("oxcart_device="))
        .and_then(|c| c.split(';').next())
        .expect("a device cookie")
        .to_owned();
    expect_status(home, StatusCode::OK).await;
    for n in 0..4 {
        for _ in 0..10 {
            let status = login_status(&app, "", &format!("203.0.113.{n}"), email, "wrong password").await;
            assert!(matches!(status.as_u16(), 401 | 429), "{status}");
        }
    }
    let stranger = login_status(&app, "", "192.0.2.44", email, "correct horse").await;
    assert_eq!(stranger, StatusCode::TOO_MANY_REQUESTS, "the account's ceiling holds for new devices");
    let owner = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", "192.0.2.99")
        .header("cookie", format!("oxcart_device={device}"))
        .json(&json!({"email": email, "password": "correct horse"}))
        .send()
        .await
        .expect("sent");
    assert!(owner.headers().get("set-cookie").is_some());
    expect_status(owner, StatusCode::OK).await;
    let forged = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", "192.0.2.98")
        .header("cookie", "oxcart_device=oxd_made_up")
        .json(&json!({"email": email, "password": "correct horse"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        forged.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "only a device that signed in counts as known"
    );
}

async fn login_status(app: &TestApp, claimed: &str, ip: &str, email: &str, password: &str) -> StatusCode {
    app.login_via_proxy(claimed, ip, email, password).await.status()
}

crate::db_tests!(
    a_password_reset_ends_every_login_that_raced_it,
    parallel_guesses_are_counted_before_they_are_checked,
    a_forwarded_address_cannot_be_chosen_by_the_client,
    an_attacker_cannot_lock_the_owner_out,
    a_known_device_is_never_locked_out,
);
