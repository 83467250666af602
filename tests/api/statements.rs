//! `db`'s named operations do the same on every engine (rendered as one statement where the
//! engine can, as several where it cannot), and every statement is traced by name and
//! duration without its values.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use oxcart::db::{Db, GuardedUpdate, Upsert, sql};
use tracing::{
    Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
};
use tracing_subscriber::{
    Layer,
    layer::{Context, SubscriberExt},
};

use crate::helpers::{Engine, TestDatabase, scalar};

async fn scratch(engine: Engine) -> (TestDatabase, Db) {
    let database = TestDatabase::create(engine).await;
    let db = database.connect().await;
    for statement in [
        "CREATE TABLE stock (id VARCHAR(16) PRIMARY KEY, n BIGINT NOT NULL, note TEXT)",
        "CREATE TABLE audit (id VARCHAR(16) PRIMARY KEY, stock_id VARCHAR(16) NOT NULL, n_after BIGINT NOT NULL, note TEXT)",
        "INSERT INTO stock (id, n) VALUES ('a', 2)",
    ] {
        sqlx::raw_sql(statement).execute(db.pool()).await.expect("scratch table");
    }
    (database, db)
}

const TAKE: GuardedUpdate = GuardedUpdate {
    name: "test.take",
    table: "stock",
    set: "n = n - $2, note = $3",
    key: "id = $1",
    guard: "n >= $2",
    returning: "n, note",
};

async fn a_guarded_update_returns_the_row_it_changed_once(engine: Engine) {
    let (_database, db) = scratch(engine).await;
    let take = |n: i64| TAKE.sql().bind("a").bind(n).bind("took");
    let first: Option<(i64, Option<String>)> = take(2).fetch_optional(&db).await.expect("take");
    assert_eq!(first, Some((0, Some("took".to_owned()))), "the row as changed");
    let second: Option<(i64, Option<String>)> = take(1).fetch_optional(&db).await.expect("take again");
    assert_eq!(second, None, "the guard refuses, and nothing comes back");
    assert_eq!(scalar(&db, "SELECT n FROM stock WHERE id = 'a'").await, 0);
}

async fn a_chained_insert_writes_what_the_update_returned(engine: Engine) {
    let (_database, db) = scratch(engine).await;
    let take = |n: i64, audit_id: &str| {
        TAKE.then_insert("audit (id, stock_id, n_after, note)", "$4, $1, n, note")
            .bind("a")
            .bind(n)
            .bind(None::<String>)
            .bind(audit_id)
    };
    let mut tx = db.begin().await.expect("begin");
    assert_eq!(take(1, "x1").execute(&mut tx).await.expect("take"), 1);
    assert_eq!(take(5, "x2").execute(&mut tx).await.expect("refused"), 0, "refused: no audit row");
    tx.commit().await.expect("commit");
    let audit: Vec<(String, i64, Option<String>)> =
        sql("test.audit", "SELECT id, n_after, note FROM audit").fetch_all(&db).await.expect("audit");
    assert_eq!(audit, [("x1".to_owned(), 1, None)], "the level after the change, null kept");
}

async fn an_upsert_inserts_updates_or_leaves_be(engine: Engine) {
    let (_database, db) = scratch(engine).await;
    let add = |update| Upsert {
        name: "test.add",
        table: "stock",
        columns: "id, n",
        values: "$1, $2",
        key: "id",
        update,
        returning: None,
    };
    let left_be = add(None).sql().bind("a").bind(7).execute(&db).await.expect("do nothing");
    assert_eq!(left_be, 0, "an existing row is left be");
    let inserted = add(None).sql().bind("b").bind(7).execute(&db).await.expect("insert");
    assert_eq!(inserted, 1);
    let returning = Upsert { returning: Some("n"), ..add(Some("n = stock.n + excluded.n")) };
    let n: i64 = returning.sql().bind("b").bind(3).scalar_one(&db).await.expect("update");
    assert_eq!(n, 10, "the row as updated");
}

/// Every span: its name and the values recorded on it, by span id.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<HashMap<u64, String>>>);

impl Spans {
    fn write(&self, id: &Id, fields: String) {
        self.0.lock().expect("spans").entry(id.into_u64()).or_default().push_str(&fields);
    }
}

fn fields(record: impl FnOnce(&mut dyn Visit)) -> String {
    let mut out = String::new();
    record(&mut |field: &Field, value: &dyn std::fmt::Debug| out.push_str(&format!(" {field}={value:?}")));
    out
}

impl<S: Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let name = attrs.metadata().name();
        self.write(id, format!("{name}:{}", fields(|v| attrs.record(v))));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        self.write(id, fields(|v| values.record(v)));
    }
}

async fn statements_are_traced_by_name_and_duration_never_values(engine: Engine) {
    let (_database, db) = scratch(engine).await;
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    sql("test.secret", "UPDATE stock SET note = $2 WHERE id = $1")
        .bind("a")
        .bind("hunter2")
        .execute(&db)
        .await
        .expect("update");
    let seen: Vec<String> = spans.0.lock().expect("spans").values().cloned().collect();
    let traced: Vec<&String> = seen.iter().filter(|s| s.contains("statement=\"test.secret\"")).collect();
    assert_eq!(traced.len(), 1, "one span for the statement: {seen:?}");
    assert!(traced[0].starts_with("sql:") && traced[0].contains(" elapsed_us="), "{traced:?}");
    assert!(!seen.iter().any(|s| s.contains("hunter2")), "no bound value in any span: {seen:?}");
}

crate::db_tests!(
    a_guarded_update_returns_the_row_it_changed_once,
    a_chained_insert_writes_what_the_update_returned,
    an_upsert_inserts_updates_or_leaves_be,
    statements_are_traced_by_name_and_duration_never_values,
);
