//! The HTTP edge with a real server process and real sockets: what a flood of password
//! guesses costs.

use std::time::{Duration, Instant};

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

crate::db_tests!(a_flood_of_logins_is_bounded_in_memory_and_answered_busy, huge_emails_leave_nothing_behind);
