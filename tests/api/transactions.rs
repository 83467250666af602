//! `db::retry_transient`: a transaction the engine aborts for reasons of concurrency runs again
//! whole, and only then. Real aborts: a PostgreSQL deadlock, and SQLite's write lock held by
//! another connection past the busy timeout.

use std::{
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use oxcart::{
    db::{Db, retry_transient},
    error::ApiError,
};
use sqlx::Connection;

use crate::helpers::{Engine, TestDatabase, scalar};

async fn transactions_aborted_by_the_database_run_again_whole(engine: Engine) {
    let database = TestDatabase::create(engine).await;
    let db = database.connect().await;
    sqlx::raw_sql("CREATE TABLE pair (id VARCHAR(8) PRIMARY KEY, n BIGINT NOT NULL)")
        .execute(db.pool())
        .await
        .expect("table");
    sqlx::raw_sql("INSERT INTO pair (id, n) VALUES ('a', 0), ('b', 0)")
        .execute(db.pool())
        .await
        .expect("rows");
    let attempts = AtomicU32::new(0);
    match engine {
        // Two transactions lock the two rows in opposite orders: PostgreSQL (40P01) and InnoDB
        // (1213) abort one of them as the deadlock's victim, and it runs again after the other
        // commits.
        Engine::Postgres | Engine::Mysql => {
            let (first, second) = tokio::join!(
                bump_in_order(&db, ["a", "b"], &attempts),
                bump_in_order(&db, ["b", "a"], &attempts),
            );
            first.expect("first");
            second.expect("second");
            assert_eq!(attempts.load(Ordering::SeqCst), 3, "exactly one ran twice");
        }
        // Another connection holds the write lock past the 5 s busy timeout: the first attempt
        // fails with SQLITE_BUSY, the next one gets the lock once it is free.
        Engine::Sqlite => {
            let mut holder = sqlx::SqliteConnection::connect(&database.url).await.expect("connect");
            sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut holder).await.expect("lock");
            // Let go once the first attempt has given up (the second has begun), not after a
            // fixed time: on a loaded machine the first attempt may start late.
            let release = async {
                for _ in 0..150 {
                    if attempts.load(Ordering::SeqCst) >= 2 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                sqlx::raw_sql("COMMIT").execute(&mut holder).await.expect("unlock");
            };
            let (bumped, ()) = tokio::join!(bump_in_order(&db, ["a", "b"], &attempts), release);
            bumped.expect("bumped after the lock was released");
            assert_eq!(attempts.load(Ordering::SeqCst), 2, "the busy attempt ran again");
        }
    }
    let total = scalar(&db, "SELECT CAST(SUM(n) AS BIGINT) FROM pair").await;
    let expected = if matches!(engine, Engine::Sqlite) { 2 } else { 4 };
    assert_eq!(total, expected, "each transaction counted once, however often it ran");

    // A failure of the statement itself is not retried.
    let tries = AtomicU32::new(0);
    let refused = retry_transient(|| async {
        tries.fetch_add(1, Ordering::SeqCst);
        sqlx::query("INSERT INTO pair (id, n) VALUES ('a', 1)").execute(db.pool()).await.map(drop)
    })
    .await;
    assert!(refused.is_err());
    assert_eq!(tries.load(Ordering::SeqCst), 1);
    db.close().await;
}

async fn bump_in_order(db: &Db, ids: [&str; 2], attempts: &AtomicU32) -> Result<(), ApiError> {
    retry_transient(|| async move {
        attempts.fetch_add(1, Ordering::SeqCst);
        let mut tx = db.begin().await?;
        for (i, id) in ids.iter().enumerate() {
            oxcart::db::sql("test.bump", "UPDATE pair SET n = n + 1 WHERE id = $1")
                .bind(*id)
                .execute(&mut tx)
                .await?;
            if i == 0 {
                // Both hold their first row before either asks for its second.
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

crate::db_tests!(transactions_aborted_by_the_database_run_again_whole);
