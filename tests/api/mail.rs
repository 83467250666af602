//! Email through the outbox, against a real (test) SMTP server: exactly one confirmation per
//! paid order, none for a declined one, delivery after an outage, and password reset.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, TestApp, expect_problem, expect_status, readable, scalar, simple_product},
    smtp::{Mode, SmtpServer},
};

async fn app_with_mail(engine: Engine, smtp: &SmtpServer, max_attempts: u32) -> TestApp {
    let url = smtp.url();
    TestApp::spawn_with(engine, move |c| {
        c.mail.smtp_url = Some(oxcart::config::Secret::new(url));
        c.mail.outbox.poll = Duration::from_millis(20);
        c.mail.outbox.retry_base = Duration::from_millis(50);
        c.mail.outbox.retry_max = Duration::from_millis(200);
        c.mail.outbox.max_attempts = max_attempts;
    })
    .await
}

fn about_order(messages: &[String], number: i64) -> Vec<String> {
    let subject = format!("Subject: Order {number} confirmed");
    messages.iter().filter(|m| m.contains(&subject)).map(|m| readable(m)).collect()
}

async fn buy(app: &TestApp, admin: &str, payment_method: &str) -> reqwest::Response {
    let product = simple_product(app, admin, &format!("Gadget {payment_method}"), 2500, 5).await;
    let cart =
        expect_status(app.client.post(app.url("/v1/carts")).send().await.expect("sent"), StatusCode::CREATED)
            .await;
    let cart = cart["id"].as_str().expect("id").to_owned();
    let item = json!({"variant_id": product["variants"][0]["id"], "quantity": 2});
    expect_status(app.post(&format!("/v1/carts/{cart}/items"), None, item).await, StatusCode::OK).await;
    let body = json!({"email": "buyer@example.com",
        "shipping_address": {"name": "Buyer <b>Bold</b>", "line1": "1 High St", "city": "Leeds", "postal_code": "LS1", "country": "GB"},
        "payment": {"provider": "test", "payment_method": payment_method}});
    app.post(&format!("/v1/carts/{cart}/checkout"), None, body).await
}

async fn a_paid_order_sends_exactly_one_confirmation(engine: Engine) {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(engine, &smtp, 5).await;
    let admin = app.admin_token().await;
    let order = expect_status(buy(&app, &admin, "pm_card_visa").await, StatusCode::CREATED).await;
    let number = order["number"].as_i64().expect("number");
    expect_problem(
        buy(&app, &admin, "pm_card_chargeDeclined").await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
    )
    .await;

    let messages = smtp.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = about_order(&smtp.messages(), number);
    assert_eq!(mails.len(), 1, "exactly one confirmation: {messages:?}");
    assert_eq!(smtp.messages().len(), 1, "nothing for the declined payment");
    let mail = &mails[0];
    assert!(mail.contains("To: buyer@example.com"), "{mail}");
    assert!(mail.contains("Message-ID: <evt_"), "{mail}");
    assert!(mail.contains("2 x Gadget pm_card_visa") && mail.contains("50.00 USD"), "{mail}");
    assert!(
        mail.contains("text/html") && mail.contains("Buyer &lt;b&gt;Bold&lt;/b&gt;"),
        "HTML is escaped: {mail}"
    );
    // The link opens the storefront's order page, which reads the order with the token.
    let link = mail
        .split_whitespace()
        .find(|w| w.contains("/#/order/") && w.contains("token="))
        .expect("a link to the order page")
        .trim_start_matches("href=\"")
        .trim_end_matches(['"', '>'])
        .to_owned();
    assert!(link.starts_with(&app.base), "{link}");
    let (id, token) =
        link.split_once("/#/order/").and_then(|(_, rest)| rest.split_once("?token=")).expect("id and token");
    let seen =
        expect_status(app.get(&format!("/v1/orders/{id}?token={token}"), None).await, StatusCode::OK).await;
    assert_eq!(seen["id"], order["id"], "the email's link opens the order");
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE status = 'delivered' AND topic = 'order.paid'")
            .await,
        1
    );
}

async fn an_outage_delays_the_email_but_never_doubles_it(engine: Engine) {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Refuse);
    let app = app_with_mail(engine, &smtp, 50).await;
    let admin = app.admin_token().await;
    let order = expect_status(buy(&app, &admin, "pm_card_visa").await, StatusCode::CREATED).await;
    for _ in 0..200 {
        if scalar(&app.db, "SELECT COALESCE(MAX(attempts), 0) FROM outbox WHERE topic = 'order.paid'").await
            >= 3
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        scalar(&app.db, "SELECT MAX(attempts) FROM outbox WHERE topic = 'order.paid'").await >= 3,
        "retried"
    );
    assert!(smtp.messages().is_empty());
    smtp.set_mode(Mode::Accept);
    smtp.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(about_order(&smtp.messages(), order["number"].as_i64().expect("number")).len(), 1);
    let metrics = app.metrics().await;
    assert!(metrics.contains(r#"oxcart_emails_total{status="sent"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"oxcart_emails_total{status="failed"}"#), "{metrics}");
}

async fn a_message_left_by_a_dead_worker_goes_out_again_once_its_lease_runs_out(engine: Engine) {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(engine, &smtp, 5).await;
    let admin = app.admin_token().await;
    let order = expect_status(buy(&app, &admin, "pm_card_visa").await, StatusCode::CREATED).await;
    smtp.wait_for(1, Duration::from_secs(10)).await;
    let db = &app.db;
    let set = |text: &'static str| async move {
        oxcart::db::sql("test.set", text).execute(db).await.expect("update");
    };
    // A worker claimed it and died before recording the delivery: while its lease runs, the
    // message is left alone; once the lease has run out, another worker sends it.
    set("UPDATE outbox SET status = 'sending', lease_until = 9000000000000000 WHERE topic = 'order.paid'")
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(smtp.messages().len(), 1, "not while the lease runs");
    set("UPDATE outbox SET lease_until = 1 WHERE topic = 'order.paid'").await;
    smtp.wait_for(2, Duration::from_secs(10)).await;
    let mails = about_order(&smtp.messages(), order["number"].as_i64().expect("number"));
    let id_of = |m: &str| m.lines().find(|l| l.starts_with("Message-ID:")).map(str::to_owned);
    assert_eq!(mails.len(), 2);
    assert_eq!(id_of(&mails[0]), id_of(&mails[1]), "the same Message-ID, so mail clients drop the repeat");
    for _ in 0..200 {
        if scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE status = 'delivered'").await == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the message was not recorded as delivered");
}

async fn a_message_that_keeps_failing_is_parked_as_dead(engine: Engine) {
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Refuse);
    let app = app_with_mail(engine, &smtp, 2).await;
    let admin = app.admin_token().await;
    expect_status(buy(&app, &admin, "pm_card_visa").await, StatusCode::CREATED).await;
    for _ in 0..200 {
        if scalar(&app.db, "SELECT COUNT(*) FROM outbox WHERE status = 'dead'").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let dead =
        expect_status(app.get("/v1/admin/outbox?status=dead", Some(&admin)).await, StatusCode::OK).await;
    let dead = dead["data"].as_array().expect("data");
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0]["topic"].clone(), dead[0]["attempts"].clone()), (json!("order.paid"), json!(2)));
    assert!(dead[0]["last_error"].as_str().expect("error").contains("smtp"), "{dead:?}");
    let metrics = app.metrics().await;
    assert!(metrics.contains(r#"oxcart_outbox{status="dead"} 1"#), "{metrics}");
    let bad = app.get("/v1/admin/outbox?status=lost", Some(&admin)).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;

    // The mail server is back: an admin sends the dead message again, with fresh attempts.
    smtp.set_mode(Mode::Accept);
    let retry = format!("/v1/admin/outbox/{}/retry", dead[0]["id"].as_str().expect("id"));
    let retried =
        expect_status(app.request(Method::POST, &retry, Some(&admin), None).await, StatusCode::OK).await;
    assert_eq!((retried["status"].clone(), retried["attempts"].clone()), (json!("pending"), json!(0)));
    smtp.wait_for(1, Duration::from_secs(10)).await;
    let again = app.request(Method::POST, &retry, Some(&admin), None).await;
    expect_problem(again, StatusCode::CONFLICT, "invalid_state").await;
    let missing = app.request(Method::POST, "/v1/admin/outbox/evt_missing/retry", Some(&admin), None).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

fn reset_token(message: &str) -> String {
    readable(message).split_whitespace().find(|w| w.starts_with("pwr_")).expect("a reset token").to_owned()
}

async fn password_reset_round_trip(engine: Engine) {
    let smtp = SmtpServer::start().await;
    let app = app_with_mail(engine, &smtp, 5).await;
    let (old_session, _) = app.register("ann@example.com").await;
    let welcome = smtp.wait_for(1, Duration::from_secs(10)).await;
    assert!(welcome[0].contains("Subject: Welcome to"), "{welcome:?}");

    let ask = |email: &str| app.post("/v1/auth/password-reset", None, json!({"email": email}));
    assert_eq!(ask("nobody@example.com").await.status(), StatusCode::ACCEPTED, "same answer for no account");
    assert_eq!(ask("ANN@example.com").await.status(), StatusCode::ACCEPTED);
    let messages = smtp.wait_for(2, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 2, "one reset email, none for the unknown address: {messages:?}");
    let token = reset_token(&messages[1]);

    let confirm = |token: &str, password: &str| {
        app.post("/v1/auth/password-reset/confirm", None, json!({"token": token, "password": password}))
    };
    expect_problem(confirm(&token, "short").await, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(confirm(&token, "a brand new secret").await.status(), StatusCode::NO_CONTENT);
    expect_problem(app.get("/v1/me", Some(&old_session)).await, StatusCode::UNAUTHORIZED, "unauthorized")
        .await;
    let old = app
        .post("/v1/auth/login", None, json!({"email": "ann@example.com", "password": "correct horse"}))
        .await;
    expect_problem(old, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let new = app
        .post("/v1/auth/login", None, json!({"email": "ann@example.com", "password": "a brand new secret"}))
        .await;
    expect_status(new, StatusCode::OK).await;
    let reused = confirm(&token, "yet another secret").await;
    expect_problem(reused, StatusCode::BAD_REQUEST, "validation_failed").await;

    // A token older than an hour no longer works.
    ask("ann@example.com").await;
    let messages = smtp.wait_for(3, Duration::from_secs(10)).await;
    let late = reset_token(&messages[2]);
    oxcart::db::sql("test.age", "UPDATE password_resets SET expires_at = 0 WHERE used_at IS NULL")
        .execute(&app.db)
        .await
        .expect("age the token");
    expect_problem(confirm(&late, "too late secret").await, StatusCode::BAD_REQUEST, "validation_failed")
        .await;
    expect_problem(
        confirm("pwr_made_up", "a guess secret").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let bad = app.post("/v1/auth/password-reset", None, json!({"email": "not an email"})).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "validation_failed").await;
}

async fn without_smtp_emails_are_written_as_files(engine: Engine) {
    let app = TestApp::spawn_with(engine, |c| c.mail.outbox.poll = Duration::from_millis(20)).await;
    let admin = app.admin_token().await;
    let order = expect_status(buy(&app, &admin, "pm_card_visa").await, StatusCode::CREATED).await;
    let dir = app.data_dir().join("mail");
    let mut found = Vec::new();
    for _ in 0..200 {
        found = std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    let text = std::fs::read_to_string(&found[0]).expect("eml");
    assert!(text.contains(&format!("Order {} confirmed", order["number"])), "{text}");
    // The file is written before its message is marked delivered: wait for the mark too.
    let mut delivered = Value::Null;
    for _ in 0..200 {
        let method = app.request(Method::GET, "/v1/admin/outbox?status=delivered", Some(&admin), None).await;
        delivered = expect_status(method, StatusCode::OK).await;
        if delivered["data"].as_array().is_some_and(|d| !d.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(delivered["data"].as_array().map(Vec::len), Some(1), "{delivered}");
}

crate::db_tests!(
    a_paid_order_sends_exactly_one_confirmation,
    an_outage_delays_the_email_but_never_doubles_it,
    a_message_left_by_a_dead_worker_goes_out_again_once_its_lease_runs_out,
    a_message_that_keeps_failing_is_parked_as_dead,
    password_reset_round_trip,
    without_smtp_emails_are_written_as_files,
);
