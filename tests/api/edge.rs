//! The HTTP edge with a real server process and real sockets: what a flood of password
//! guesses costs, and what slow, idle and too many connections get.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Engine, TestDatabase, serve_process};

/// Resident memory of a process, and its peak, in MiB (Linux).
fn memory_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// 128 wrong passwords at once: hashing runs on about one thread per core behind a short
/// queue, so the server's memory stays bounded, the excess is told `503 busy` with
/// `Retry-After` at once, and a shopper browsing meanwhile is still served quickly.
async fn a_flood_of_logins_is_bounded_in_memory_and_answered_busy(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let server = serve_process(&db, &[]).await;
    let client = crate::helpers::http_client(Duration::from_secs(60));
    let pid = server.child.id();
    let (before, _) = memory_mib(pid);
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..128 {
        let request = client
            .post(format!("{}/v1/auth/login", server.base))
            .json(&json!({"email": format!("nobody{i}@example.com"), "password": "wrong password"}));
        guesses.spawn(async move {
            let res = request.send().await.expect("sent");
            let retry_after = res.headers().get("retry-after").is_some();
            let status = res.status();
            let body: serde_json::Value = res.json().await.unwrap_or_default();
            (status, body["code"].as_str().unwrap_or_default().to_owned(), retry_after)
        });
    }
    let mut browsing = Vec::new();
    while !guesses.is_empty() && browsing.len() < 20 {
        let started = Instant::now();
        let res = client.get(format!("{}/v1/products", server.base)).send().await.expect("sent");
        assert_eq!(res.status(), StatusCode::OK);
        browsing.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let answers = guesses.join_all().await;
    let (_, peak) = memory_mib(pid);
    let refused =
        answers.iter().filter(|(s, c, r)| *s == StatusCode::UNAUTHORIZED && c == "invalid_credentials" && !r);
    let busy = answers.iter().filter(|(s, c, r)| *s == StatusCode::SERVICE_UNAVAILABLE && c == "busy" && *r);
    let (refused, busy) = (refused.count(), busy.count());
    assert_eq!(refused + busy, 128, "{answers:?}");
    assert!(busy > 0 && refused > 0, "refused {refused}, busy {busy}");
    browsing.sort();
    let slowest = browsing.last().copied().unwrap_or_default();
    eprintln!(
        "memory {before} MiB, peak {peak} MiB; browsing during the flood: slowest {slowest:?} of {}",
        browsing.len()
    );
    assert!(peak < before + 100, "memory grew from {before} to {peak} MiB");
    assert!(slowest < Duration::from_secs(1), "browsing waited {slowest:?} behind the hashing");
}

/// Emails of a megabyte each, sent to every form that rate-limits by email: they are refused as
/// invalid before anything is counted, so nothing of them is kept.
async fn huge_emails_leave_nothing_behind(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let server = serve_process(&db, &[]).await;
    let client = crate::helpers::http_client(Duration::from_secs(60));
    let pid = server.child.id();
    let huge = format!("{}@example.com", "a".repeat(1_000_000));
    let warm = client
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"email": "a@example.com", "password": "x"}));
    warm.send().await.expect("sent");
    let (before, _) = memory_mib(pid);
    for round in 0..50 {
        for (path, body) in [
            ("/v1/auth/login", json!({"email": huge, "password": "wrong password"})),
            ("/v1/auth/register", json!({"email": huge, "password": "long enough", "name": "X"})),
            ("/v1/auth/password-reset", json!({"email": huge})),
        ] {
            let res = client.post(format!("{}{path}", server.base)).json(&body).send().await.expect("sent");
            let status = res.status();
            let problem: serde_json::Value = res.json().await.unwrap_or_default();
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("validation_failed")),
                "{path} round {round}"
            );
        }
    }
    let (after, _) = memory_mib(pid);
    eprintln!("memory before {before} MiB, after 150 one-megabyte emails {after} MiB");
    assert!(after < before + 48, "memory grew from {before} to {after} MiB");
}

/// Reads until the server closes the connection (or `limit` passes); returns what it sent and
/// whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut seen = Vec::new();
    let deadline = Instant::now() + limit;
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&seen).into_owned(), true),
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&seen).into_owned(), false),
        }
    }
}

/// 200 connections trickling their headers, an idle keep-alive connection and a body that
/// stops halfway are all closed after their timeouts, while an ordinary client keeps being
/// served throughout.
async fn slow_and_idle_connections_are_closed_while_others_are_served(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let env = [("OXCART_HEADER_TIMEOUT_SECS", "2"), ("OXCART_BODY_TIMEOUT_SECS", "2")];
    let server = serve_process(&db, &env).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(&address).await.expect("connect");
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\n").await.expect("write");
        slow.push(stream);
    }
    let trickle = tokio::spawn(async move {
        for _ in 0..12 {
            for stream in &mut slow {
                let _ = stream.write_all(b"X-Slow: 1\r\n").await;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        slow
    });
    let client = crate::helpers::http_client(Duration::from_secs(5));
    for _ in 0..10 {
        let started = Instant::now();
        let res = client.get(format!("{}/healthz", server.base)).send().await.expect("served");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut slow = trickle.await.expect("trickled");
    for stream in &mut slow {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(2)).await;
        assert!(closed, "a connection still trickling headers after their timeout was kept open");
    }

    let mut idle = TcpStream::connect(&address).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n").await.expect("write");
    let (answer, closed) = read_until_closed(&mut idle, Duration::from_secs(4)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle keep-alive connection outlived the timeout");

    let mut half = TcpStream::connect(&address).await.expect("connect");
    let head = "POST /v1/auth/login HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    half.write_all(head.as_bytes()).await.expect("write");
    half.write_all(br#"{"email": "#).await.expect("write");
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut half, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(closed && started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

/// At the connection cap, a new client waits for a slot (silent connections give theirs up at
/// the header timeout) instead of the server running out of file descriptors.
async fn connections_beyond_the_cap_wait_for_a_slot(engine: Engine) {
    let db = TestDatabase::create(engine).await;
    let env = [("OXCART_HEADER_TIMEOUT_SECS", "2"), ("OXCART_MAX_CONNECTIONS", "20")];
    let server = serve_process(&db, &env).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(&address).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = crate::helpers::http_client(Duration::from_secs(10));
    let started = Instant::now();
    let res = client.get(format!("{}/healthz", server.base)).send().await.expect("served in the end");
    assert_eq!(res.status(), StatusCode::OK);
    let waited = started.elapsed();
    assert!(waited > Duration::from_millis(1200), "the 21st connection was served at once: {waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    drop(silent);
}

crate::db_tests!(
    a_flood_of_logins_is_bounded_in_memory_and_answered_busy,
    huge_emails_leave_nothing_behind,
    slow_and_idle_connections_are_closed_while_others_are_served,
    connections_beyond_the_cap_wait_for_a_slot,
);
