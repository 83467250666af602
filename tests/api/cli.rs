//! The `oxcart` binary as an operator runs it.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_status, oxcart_command as oxcart, start_server as start};

#[test]
fn help_names_every_command() {
    let dir = tempfile::tempdir().expect("dir");
    let out = oxcart(dir.path()).arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for word in ["serve", "migrate", "seed", "admin"] {
        assert!(text.contains(word), "{text}");
    }
}

#[test]
fn bad_configuration_fails_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("dir");
    let out =
        oxcart(dir.path()).arg("migrate").env("OXCART_LISTEN", "not-an-address").output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("OXCART_LISTEN") && !stderr.contains("panicked"), "{stderr}");

    std::fs::write(dir.path().join("oxcart.toml"), "listen = 5\n").expect("write");
    let out = oxcart(dir.path()).arg("migrate").output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("oxcart.toml"), "{stderr}");
}

#[tokio::test]
async fn admin_create_takes_the_password_from_the_environment_only() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("shop.db").display());
    let migrate = oxcart(dir.path()).arg("migrate").env("OXCART_DATABASE_URL", &url).output().expect("runs");
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));

    let no_password = oxcart(dir.path())
        .args(["admin", "create", "--email", "root@example.com", "--name", "Root"])
        .env("OXCART_DATABASE_URL", &url)
        .output()
        .expect("runs");
    assert!(!no_password.status.success());
    assert!(String::from_utf8_lossy(&no_password.stderr).contains("OXCART_ADMIN_PASSWORD"));

    let short = oxcart(dir.path())
        .args(["admin", "create", "--email", "root@example.com", "--name", "Root"])
        .env("OXCART_DATABASE_URL", &url)
        .env("OXCART_ADMIN_PASSWORD", "short")
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&short.stderr);
    assert!(!short.status.success());
    assert!(said.contains("password: must be 8 to 128 characters"), "the field and its rule: {said}");

    let created = oxcart(dir.path())
        .args(["admin", "create", "--email", "root@example.com", "--name", "Root"])
        .env("OXCART_DATABASE_URL", &url)
        .env("OXCART_ADMIN_PASSWORD", "root password")
        .output()
        .expect("runs");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(!String::from_utf8_lossy(&created.stdout).contains("root password"));

    let db = oxcart::db::Db::connect(&url, 1).await.expect("db");
    let session = oxcart::accounts::login(&db, Duration::from_secs(60), "root@example.com", "root password")
        .await
        .expect("login");
    assert_eq!(session.customer.role, oxcart::accounts::Role::Admin);
}

/// `cargo run` as a newcomer sees it: the default database, a printed demo admin who can sign
/// in, and a clean exit on SIGTERM.
#[tokio::test]
async fn first_start_prints_a_demo_admin_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, base, text) = start(&mut oxcart(dir.path())).await;
    let word_after =
        |key: &str| text.split_whitespace().skip_while(|w| *w != key).nth(1).map(str::to_owned).expect(&text);
    let (email, password) = (word_after("email:"), word_after("password:"));
    assert!(text.contains("/docs"), "{text}");
    let admin_url =
        text.split_whitespace().skip_while(|w| *w != "admin:").nth(1).map(str::to_owned).expect(&text);
    assert_eq!(admin_url, format!("{base}/admin"), "{text}");
    assert!(text.contains("demo catalog"), "{text}");

    let client = crate::helpers::http_client(Duration::from_secs(30));
    let res = client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("sent");
    assert_eq!(expect_status(res, StatusCode::OK).await["customer"]["role"], "admin");
    let dashboard = client.get(&admin_url).send().await.expect("sent");
    assert_eq!(dashboard.status(), StatusCode::OK);
    let csp =
        dashboard.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(dashboard.text().await.expect("page").contains("/assets/admin.js"));

    let products = all_products(&client, &base).await;
    assert!(products.len() >= 40, "the demo catalog is served: {}", products.len());
    // The demo ships to a few regions, with prices that include tax in some and not in others.
    let res = client.get(format!("{base}/v1/regions")).send().await.expect("regions");
    let regions = expect_status(res, StatusCode::OK).await;
    let inclusive: Vec<(String, bool)> = regions["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| (r["name"].as_str().unwrap_or_default().to_owned(), r["tax_inclusive"] == true))
        .collect();
    assert!(inclusive.contains(&("United States".to_owned(), false)), "{regions}");
    assert!(inclusive.contains(&("Germany".to_owned(), true)), "{regions}");
    // And has promotions: mugs on sale by themselves, and a welcome code.
    let res = client.get(format!("{base}/v1/products/stoneware-coffee-mug")).send().await.expect("mug");
    let mug = expect_status(res, StatusCode::OK).await;
    let variant =
        mug["variants"].as_array().and_then(|v| v.iter().find(|v| v["in_stock"] == true)).expect("in stock");
    let res = client.post(format!("{base}/v1/carts")).json(&json!({})).send().await.expect("cart");
    let cart = format!(
        "{base}/v1/carts/{}",
        expect_status(res, StatusCode::CREATED).await["id"].as_str().expect("id")
    );
    let line = json!({"variant_id": variant["id"], "quantity": 1});
    let res = client.post(format!("{cart}/items")).json(&line).send().await.expect("item");
    expect_status(res, StatusCode::OK).await;
    let res = client.post(format!("{cart}/promotion-codes")).json(&json!({"code": "welcome10"})).send().await;
    let read = expect_status(res.expect("code"), StatusCode::OK).await;
    let names: Vec<&str> =
        read["discounts"].as_array().expect("discounts").iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names, ["Mug week: 20% off mugs & drinkware", "Welcome: 10% off your first order"], "{read}");
    assert!(text.contains("3 promotions"), "{text}");
    let image = products[0]["images"][0].as_str().expect("an image URL");
    let res = client.get(image).send().await.expect("image");
    assert_eq!(res.headers()["content-type"], "image/svg+xml");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    let kept = std::fs::read_to_string(dir.path().join("data/demo-admin.txt")).expect("credentials kept");
    assert!(kept.contains(&password));
}

async fn all_products(client: &reqwest::Client, base: &str) -> Vec<serde_json::Value> {
    let mut products = Vec::new();
    let mut url = format!("{base}/v1/products?limit=100");
    loop {
        let page = expect_status(client.get(&url).send().await.expect("sent"), StatusCode::OK).await;
        products.extend(page["data"].as_array().expect("data").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("{base}/v1/products?limit=100&cursor={c}"),
            None => return products,
        }
    }
}

#[tokio::test]
async fn seed_fills_only_an_empty_store_and_serve_never_seeds_a_configured_database() {
    let dir = tempfile::tempdir().expect("dir");
    let fresh = format!("sqlite://{}?mode=rwc", dir.path().join("fresh.db").display());
    let (mut child, base, text) = start(oxcart(dir.path()).env("OXCART_DATABASE_URL", &fresh)).await;
    assert!(!text.contains("demo"), "{text}");
    let products = all_products(&crate::helpers::http_client(Duration::from_secs(30)), &base).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(products.is_empty(), "a configured database is never seeded by itself");

    let url = format!("sqlite://{}?mode=rwc", dir.path().join("shop.db").display());
    let seed =
        |args: &[&str]| oxcart(dir.path()).arg("seed").args(args).env("OXCART_DATABASE_URL", &url).output();
    let demo = seed(&["--demo"]).expect("runs");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("45 products"));
    let again = seed(&["--demo"]).expect("runs");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has products"));
    let generated = seed(&["--products", "25"]).expect("runs");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let neither = seed(&[]).expect("runs");
    assert!(!neither.status.success(), "seed needs --demo or --products");

    let db = oxcart::db::Db::connect(&url, 1).await.expect("db");
    let count: i64 =
        oxcart::db::sql("test.count", "SELECT COUNT(*) FROM products").scalar_one(&db).await.expect("count");
    assert_eq!(count, 70);
}

/// An operator's `sqlite:///path/new.db`, with no `?mode=rwc`: the file is created. A
/// directory that does not exist is one line that says what to check.
#[test]
fn a_sqlite_url_without_a_mode_creates_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("new.db");
    let url = format!("sqlite://{}", file.display());
    let out = oxcart(dir.path()).arg("migrate").env("OXCART_DATABASE_URL", &url).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(file.exists(), "the database file was created");

    let nowhere = format!("sqlite://{}", dir.path().join("missing/dir/new.db").display());
    let out = oxcart(dir.path()).arg("migrate").env("OXCART_DATABASE_URL", &nowhere).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("directory exist"), "{stderr}");
}
