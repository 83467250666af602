//! The guarantees with real server processes: two of them racing on one database, and one
//! killed between taking the money and recording it.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Engine, ServerProcess, TestDatabase, expect_status, scalar, serve_process};

/// An admin token on `server`, and a published product with `stock` units; returns (token, variant id).
pub async fn arrange(
    db: &TestDatabase,
    client: &Client,
    server: &ServerProcess,
    stock: i64,
) -> (String, String) {
    let pool = db.connect().await;
    let input =
        oxcart::accounts::Registration::parse("boss@example.com", "admin password", "Boss").expect("valid");
    oxcart::accounts::create_admin(&pool, input).await.expect("admin");
    pool.close().await;
    let login = client
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"email": "boss@example.com", "password": "admin password"}))
        .send()
        .await
        .expect("login");
    let token = expect_status(login, StatusCode::OK).await["token"].as_str().expect("token").to_owned();
    let product = client
        .post(format!("{}/v1/admin/products", server.base))
        .bearer_auth(&token)
        .json(&json!({"title": "Last Units", "status": "published",
                      "variants": [{"sku": "LAST", "price": 1500, "stock": stock}]}))
        .send()
        .await
        .expect("product");
    let product = expect_status(product, StatusCode::CREATED).await;
    (token, product["variants"][0]["id"].as_str().expect("variant").to_owned())
}

/// A guest cart on `server` holding one unit of `variant`.
pub async fn guest_cart(client: &Client, server: &ServerProcess, variant: &str) -> String {
    let cart = client.post(format!("{}/v1/carts", server.base)).send().await.expect("cart");
    let id = expect_status(cart, StatusCode::CREATED).await["id"].as_str().expect("id").to_owned();
    let add = client
        .post(format!("{}/v1/carts/{id}/items", server.base))
        .json(&json!({"variant_id": variant, "quantity": 1}))
        .send()
        .await
        .expect("add");
    expect_status(add, StatusCode::OK).await;
    id
}

fn checkout_body() -> Value {
    json!({"email": "buyer@example.com",
           "shipping_address": {"name": "B", "line1": "1 St", "city": "Rome", "postal_code": "00100", "country": "IT"},
           "payment": {"provider": "test", "payment_method": "pm_card_visa"}})
}

async fn two_servers_never_sell_more_than_the_stock(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let servers = [serve_process(&db, &[]).await, serve_process(&db, &[]).await];
    let client = crate::helpers::http_client(Duration::from_secs(60));
    let (_, variant) = arrange(&db, &client, &servers[0], 7).await;
    let mut carts = Vec::new();
    for i in 0..60 {
        carts.push(guest_cart(&client, &servers[i % 2], &variant).await);
    }
    let mut racers = tokio::task::JoinSet::new();
    for (i, cart) in carts.iter().enumerate() {
        let request =
            client.post(format!("{}/v1/carts/{cart}/checkout", servers[i % 2].base)).json(&checkout_body());
        racers.spawn(async move {
            let res = request.send().await.expect("sent");
            let status = res.status();
            (status, res.json::<Value>().await.ok())
        });
    }
    let answers = racers.join_all().await;
    let sold = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let short = answers.iter().filter(|(s, b)| {
        *s == StatusCode::CONFLICT && b.as_ref().is_some_and(|b| b["code"] == "out_of_stock")
    });
    assert_eq!((sold, short.count()), (7, 53), "{answers:?}");

    // One cart, checked out 20 times at once through both servers: one order, one charge.
    let pool = db.connect().await;
    oxcart::db::sql("test.restock", "UPDATE inventory_levels SET on_hand = on_hand + 1")
        .execute(&pool)
        .await
        .expect("restock");
    let cart = guest_cart(&client, &servers[1], &variant).await;
    let mut racers = tokio::task::JoinSet::new();
    for i in 0..20 {
        let request =
            client.post(format!("{}/v1/carts/{cart}/checkout", servers[i % 2].base)).json(&checkout_body());
        racers.spawn(async move { request.send().await.expect("sent").status() });
    }
    let statuses = racers.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 8, "7 buyers + 1 cart");
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await, 8);
    assert_eq!(scalar(&pool, "SELECT on_hand FROM inventory_levels").await, 0);
    assert_eq!(scalar(&pool, "SELECT reserved FROM inventory_levels").await, 0);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'sale'").await, 8);
    pool.close().await;
}

/// Carts holding the same two variants in opposite orders, checked out all at once through two
/// processes: stock rows are locked in one order (by variant id), so no checkout deadlocks, and
/// a transaction the engine still aborts is retried whole. Nothing answers 500, nothing is
/// oversold, nothing stays held.
async fn carts_sharing_variants_in_opposite_orders_never_fail(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let servers = [serve_process(&db, &[]).await, serve_process(&db, &[]).await];
    let client = crate::helpers::http_client(Duration::from_secs(90));
    let (token, first) = arrange(&db, &client, &servers[0], 100).await;
    let product = client
        .post(format!("{}/v1/admin/products", servers[0].base))
        .bearer_auth(&token)
        .json(&json!({"title": "Second Thing", "status": "published",
                      "variants": [{"sku": "SECOND", "price": 700, "stock": 100}]}))
        .send()
        .await
        .expect("product");
    let second = expect_status(product, StatusCode::CREATED).await["variants"][0]["id"]
        .as_str()
        .expect("variant")
        .to_owned();
    let mut carts = Vec::new();
    for i in 0..120 {
        let server = &servers[i % 2];
        let cart = guest_cart(&client, server, if i % 4 < 2 { &first } else { &second }).await;
        let then = if i % 4 < 2 { &second } else { &first };
        let add = client
            .post(format!("{}/v1/carts/{cart}/items", server.base))
            .json(&json!({"variant_id": then, "quantity": 1}))
            .send()
            .await
            .expect("add");
        expect_status(add, StatusCode::OK).await;
        carts.push(cart);
    }
    let mut racers = tokio::task::JoinSet::new();
    for (i, cart) in carts.iter().enumerate() {
        let request =
            client.post(format!("{}/v1/carts/{cart}/checkout", servers[i % 2].base)).json(&checkout_body());
        racers.spawn(async move {
            let res = request.send().await.expect("sent");
            let status = res.status();
            (status, res.text().await.unwrap_or_default())
        });
    }
    let answers = racers.join_all().await;
    let sold = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let short =
        answers.iter().filter(|(s, b)| *s == StatusCode::CONFLICT && b.contains("\"out_of_stock\"")).count();
    let others: Vec<_> = answers.iter().filter(|(s, _)| !matches!(s.as_u16(), 201 | 409)).collect();
    assert!(others.is_empty(), "{others:?}");
    assert_eq!((sold, short), (100, 20), "{answers:?}");
    let pool = db.connect().await;
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM inventory_levels WHERE on_hand = 0").await, 2);
    assert_eq!(scalar(&pool, "SELECT CAST(SUM(reserved) AS BIGINT) FROM inventory_levels").await, 0);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await, 100);
    pool.close().await;
}

async fn a_crash_after_the_charge_is_settled_by_the_reconciler(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    // The first server pauses after each charge, and does not reconcile.
    let slow = [("OXCART_FAULT_PAUSE_AFTER_CHARGE_MS", "60000"), ("OXCART_RECONCILE_EVERY_SECS", "3600")];
    let mut first = serve_process(&db, &slow).await;
    let client = crate::helpers::http_client(Duration::from_secs(90));
    let (token, variant) = arrange(&db, &client, &first, 5).await;
    let paid_cart = guest_cart(&client, &first, &variant).await;
    let lost_cart = guest_cart(&client, &first, &variant).await;
    for cart in [&paid_cart, &lost_cart] {
        let request = client.post(format!("{}/v1/carts/{cart}/checkout", first.base)).json(&checkout_body());
        tokio::spawn(async move { request.send().await });
    }
    let pool = db.connect().await;
    for _ in 0..200 {
        if scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 2, "both charged");
    first.child.kill().expect("kill -9");
    first.child.wait().expect("reaped");
    // One charge is as if it never reached the provider: the crash came before it.
    let lost_order: String = oxcart::db::sql("test.order_of", "SELECT order_id FROM carts WHERE id = $1")
        .bind(&lost_cart)
        .scalar_one(&pool)
        .await
        .expect("claimed");
    oxcart::db::sql("test.forget", "DELETE FROM test_provider_charges WHERE idempotency_key = $1")
        .bind(&lost_order)
        .execute(&pool)
        .await
        .expect("forget");
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'").await, 2);
    assert_eq!(scalar(&pool, "SELECT reserved FROM inventory_levels").await, 2, "held, not sold");

    let fast = [
        ("OXCART_RECONCILE_EVERY_SECS", "1"),
        ("OXCART_RECONCILE_AFTER_SECS", "1"),
        ("OXCART_RELEASE_UNPAID_AFTER_SECS", "1"),
    ];
    let second = serve_process(&db, &fast).await;
    let paid_order: String = oxcart::db::sql("test.order_of", "SELECT order_id FROM carts WHERE id = $1")
        .bind(&paid_cart)
        .scalar_one(&pool)
        .await
        .expect("claimed");
    let mut order = Value::Null;
    for _ in 0..100 {
        let res =
            client.get(format!("{}/v1/admin/orders/{paid_order}", second.base)).bearer_auth(&token).send();
        order = expect_status(res.await.expect("sent"), StatusCode::OK).await;
        if order["status"] == "paid" && scalar(&pool, "SELECT reserved FROM inventory_levels").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(order["status"], "paid", "the reconciler finished the charged order");
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM outbox WHERE topic = 'order.paid'").await, 1);
    assert_eq!(scalar(&pool, "SELECT on_hand FROM inventory_levels").await, 4, "one sold");
    assert_eq!(scalar(&pool, "SELECT reserved FROM inventory_levels").await, 0, "the lost hold released");
    let statuses: Vec<(String, String)> = oxcart::db::sql("test.orders", "SELECT id, status FROM orders")
        .fetch_all(&pool)
        .await
        .expect("orders");
    assert!(statuses.contains(&(lost_order.clone(), "failed".to_owned())), "{statuses:?}");
    let reopened = client.get(format!("{}/v1/carts/{lost_cart}", second.base)).send().await.expect("cart");
    let reopened = expect_status(reopened, StatusCode::OK).await;
    assert_eq!((reopened["status"].clone(), reopened["order_id"].clone()), (json!("open"), Value::Null));
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 1, "never charged again");
    pool.close().await;
}

/// While a request with an `Idempotency-Key` runs, its process renews its claim, so a retry
/// elsewhere is told `409 idempotency_key_in_use` however long it takes. Killed with SIGKILL,
/// the process stops renewing, and the next retry takes the key over within the lease (10 s),
/// not minutes later: here it runs the checkout again, which finds the cart taken by the
/// pending order and charges nothing more.
async fn a_killed_request_gives_up_its_key_within_seconds(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let slow = [("OXCART_FAULT_PAUSE_AFTER_CHARGE_MS", "60000"), ("OXCART_RECONCILE_EVERY_SECS", "3600")];
    let mut first = serve_process(&db, &slow).await;
    let second = serve_process(&db, &[("OXCART_RECONCILE_EVERY_SECS", "3600")]).await;
    let client = crate::helpers::http_client(Duration::from_secs(90));
    let (_, variant) = arrange(&db, &client, &first, 5).await;
    let cart = guest_cart(&client, &first, &variant).await;
    let checkout = |server: &ServerProcess| {
        client
            .post(format!("{}/v1/carts/{cart}/checkout", server.base))
            .header("Idempotency-Key", "3b1f0c52-crash-test")
            .json(&checkout_body())
            .send()
    };
    let running = checkout(&first);
    let running = tokio::spawn(running);
    let pool = db.connect().await;
    for _ in 0..200 {
        if scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 1, "charged");
    // Longer than a lease: the running request keeps renewing its claim.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let meanwhile = checkout(&second).await.expect("sent");
    crate::helpers::expect_problem(meanwhile, StatusCode::CONFLICT, "idempotency_key_in_use").await;

    first.child.kill().expect("kill -9");
    first.child.wait().expect("reaped");
    let _ = running.await;
    let killed_at = std::time::Instant::now();
    let answer = loop {
        let res = checkout(&second).await.expect("sent");
        let status = res.status();
        let body: Value = res.json().await.expect("problem");
        if body["code"] != "idempotency_key_in_use" {
            break (status, body);
        }
        assert!(killed_at.elapsed() < Duration::from_secs(15), "the dead request still holds its key");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(answer.0, StatusCode::CONFLICT, "{:?}", answer.1);
    assert_eq!(answer.1["code"], "cart_completed", "{:?}", answer.1);
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM test_provider_charges").await, 1, "never charged twice");
    pool.close().await;
}

async fn a_crash_mid_delivery_still_sends_exactly_one_email(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let smtp = crate::smtp::SmtpServer::start().await;
    smtp.set_mode(crate::smtp::Mode::Stall);
    let url = smtp.url();
    let env = [
        ("OXCART_SMTP_URL", url.as_str()),
        ("OXCART_OUTBOX_POLL_MS", "20"),
        ("OXCART_OUTBOX_LEASE_MS", "1000"),
        ("OXCART_RECONCILE_EVERY_SECS", "3600"),
    ];
    let mut first = serve_process(&db, &env).await;
    let client = crate::helpers::http_client(Duration::from_secs(60));
    let (_, variant) = arrange(&db, &client, &first, 3).await;
    let cart = guest_cart(&client, &first, &variant).await;
    let order = client.post(format!("{}/v1/carts/{cart}/checkout", first.base)).json(&checkout_body()).send();
    let order = expect_status(order.await.expect("sent"), StatusCode::CREATED).await;
    for _ in 0..400 {
        if smtp.stalled() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(smtp.stalled(), 1, "the first server is in the middle of sending");
    first.child.kill().expect("kill -9");
    first.child.wait().expect("reaped");
    smtp.set_mode(crate::smtp::Mode::Accept);

    let _second = serve_process(&db, &env).await;
    let messages = smtp.wait_for(1, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let subject = format!("Subject: Order {} confirmed", order["number"]);
    assert_eq!(smtp.messages().iter().filter(|m| m.contains(&subject)).count(), 1, "{messages:?}");
    let pool = db.connect().await;
    assert_eq!(scalar(&pool, "SELECT COUNT(*) FROM outbox WHERE status = 'delivered'").await, 1);
    assert_eq!(
        scalar(&pool, "SELECT attempts FROM outbox").await,
        2,
        "the lost attempt and the one that landed"
    );
    pool.close().await;
}

crate::db_tests!(
    two_servers_never_sell_more_than_the_stock,
    carts_sharing_variants_in_opposite_orders_never_fail,
    a_crash_after_the_charge_is_settled_by_the_reconciler,
    a_killed_request_gives_up_its_key_within_seconds,
    a_crash_mid_delivery_still_sends_exactly_one_email,
);
