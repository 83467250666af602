//! The three migration folders are kept by hand; this makes sure they cannot drift: all number
//! their migrations alike, and the schemas they end up with have the same tables, columns and
//! indexes (by name), but for the engine-specific pieces listed here with the reason for each.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::helpers::{Engine, TestDatabase, mysql_url, postgres_url};

/// Tables, columns and indexes only one engine has, and why.
const ONLY_SQLITE: &[&str] = &[
    // Full-text search: an FTS5 table with its shadow tables (PostgreSQL: `search_vector`).
    "table products_fts",
    "table products_fts_config",
    "table products_fts_data",
    "table products_fts_docsize",
    "table products_fts_idx",
    // FTS5's external content needs a stable integer row id.
    "column products.seq",
];
const ONLY_POSTGRES: &[&str] = &[
    // Full-text search: a generated tsvector with GIN indexes (MySQL: FULLTEXT on the columns).
    "column products.search_vector",
];
/// What an engine does without, and what it does instead.
const NOT_ON_SQLITE: &[&str] = &[
    // The full-text indexes of the others: SQLite has its FTS5 table.
    "index products_search_idx",
    "index products_title_search_idx",
];

/// Versions before this one were numbered apart by hand (PostgreSQL had one more); they keep
/// their numbers because databases in the field recorded them. From here on a version names the
/// same change on every engine.
const FIRST_SHARED_NAME: u32 = 17;

#[test]
fn every_engine_numbers_its_migrations_alike() {
    let files = |engine: &str| -> BTreeSet<(u32, String)> {
        std::fs::read_dir(format!("{}/migrations/{engine}", env!("CARGO_MANIFEST_DIR")))
            .expect("migrations")
            .filter_map(|e| {
                let name = e.ok()?.file_name().to_str()?.to_owned();
                let version = name.split('_').next()?.parse().ok()?;
                Some((version, name))
            })
            .collect()
    };
    let (lite, pg, my) = (files("sqlite"), files("postgres"), files("mysql"));
    let versions = |files: &BTreeSet<(u32, String)>| files.iter().map(|(v, _)| *v).collect::<Vec<_>>();
    assert_eq!(versions(&lite), versions(&pg), "a migration added for one engine only");
    assert_eq!(versions(&my), versions(&pg), "a migration added for one engine only");
    let shared = |files: &BTreeSet<(u32, String)>| {
        files.iter().filter(|(v, _)| *v >= FIRST_SHARED_NAME).map(|(_, n)| n.clone()).collect::<Vec<_>>()
    };
    assert_eq!(shared(&lite), shared(&pg), "one version, two different changes");
    // MySQL's files are PostgreSQL's, version for version, name for name.
    assert_eq!(my.iter().map(|(_, n)| n).collect::<Vec<_>>(), pg.iter().map(|(_, n)| n).collect::<Vec<_>>());
}

#[tokio::test]
async fn every_engine_ends_up_with_the_same_schema() {
    if postgres_url().is_none() {
        eprintln!("skipped: set OXCART_TEST_POSTGRES_URL to compare the engines' schemas");
        return;
    }
    let sqlite = TestDatabase::create(Engine::Sqlite).await;
    let postgres = TestDatabase::create(Engine::Postgres).await;
    let (lite, pg) = (sqlite.connect().await, postgres.connect().await);
    let lite_schema = sqlite_schema(&lite).await;
    let pg_schema = postgres_schema(&pg).await;
    for listed in ONLY_SQLITE {
        assert!(lite_schema.contains(*listed), "{listed} is listed as SQLite's own but SQLite lacks it");
    }
    for listed in ONLY_POSTGRES {
        assert!(pg_schema.contains(*listed), "{listed} is listed as PostgreSQL's own but it lacks it");
    }
    let common = common(&pg_schema, ONLY_POSTGRES, &[]);
    assert!(
        common.contains("index products_newest_idx") && common.contains("column orders.number"),
        "{common:?}"
    );
    assert_eq!(
        diff(&common, &self::common(&lite_schema, ONLY_SQLITE, NOT_ON_SQLITE)),
        (vec![], vec![]),
        "PostgreSQL, SQLite"
    );
    if mysql_url().is_some() {
        let mysql = TestDatabase::create(Engine::Mysql).await;
        let my = mysql.connect().await;
        let my_schema = mysql_schema(&my).await;
        assert_eq!(diff(&common, &self::common(&my_schema, &[], &[])), (vec![], vec![]), "PostgreSQL, MySQL");
        my.close().await;
    } else {
        eprintln!("MySQL not compared: set OXCART_TEST_MYSQL_URL");
    }
    lite.close().await;
    pg.close().await;
}

/// What an engine's schema has in common with the others': without its own pieces, and with
/// the others' pieces it does without.
fn common(schema: &BTreeSet<String>, own: &[&str], lacks: &[&str]) -> BTreeSet<String> {
    schema
        .iter()
        .filter(|item| !own.contains(&item.as_str()))
        .cloned()
        .chain(lacks.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// (only in `a`, only in `b`).
fn diff(a: &BTreeSet<String>, b: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    (a.difference(b).cloned().collect(), b.difference(a).cloned().collect())
}

async fn sqlite_schema(lite: &oxcart::db::Db) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
        .fetch_all(lite.pool())
        .await
        .expect("tables");
    for table in tables {
        let table: String = table.try_get("name").expect("name");
        schema.insert(format!("table {table}"));
        if ONLY_SQLITE.contains(&format!("table {table}").as_str()) {
            continue; // an engine's own table: its columns are its own too
        }
        let columns =
            // table_xinfo lists generated columns too (table_info leaves them out).
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_xinfo('{table}') WHERE hidden <> 1")))
                .fetch_all(lite.pool())
                .await
                .expect("columns");
        for column in columns {
            schema.insert(format!("column {table}.{}", column.try_get::<String, _>("name").expect("name")));
        }
    }
    let indexes = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        .fetch_all(lite.pool())
        .await
        .expect("indexes");
    for index in indexes {
        schema.insert(format!("index {}", index.try_get::<String, _>("name").expect("name")));
    }
    schema
}

async fn postgres_schema(pg: &oxcart::db::Db) -> BTreeSet<String> {
    server_schema(
        pg,
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
        // Indexes created by CREATE INDEX, not those behind primary keys and unique constraints.
        "SELECT indexname::text AS i FROM pg_indexes WHERE schemaname = 'public'
         AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .await
}

async fn mysql_schema(my: &oxcart::db::Db) -> BTreeSet<String> {
    server_schema(
        my,
        "SELECT CAST(table_name AS CHAR) AS t, CAST(column_name AS CHAR) AS c FROM information_schema.columns
         WHERE table_schema = DATABASE() AND table_name NOT LIKE '\\_sqlx%'",
        // Indexes created by CREATE INDEX: not primary keys and unique constraints (which are
        // unique indexes here), nor the index InnoDB makes for a foreign key that has none,
        // which is named after the constraint (`…_fk`).
        "SELECT DISTINCT CAST(index_name AS CHAR) AS i FROM information_schema.statistics
         WHERE table_schema = DATABASE() AND non_unique = 1 AND index_name NOT LIKE '%\\_fk'",
    )
    .await
}

/// A server engine's schema from its catalog: `columns` gives (t, c) rows, `indexes` (i) rows.
async fn server_schema(
    db: &oxcart::db::Db,
    columns: &'static str,
    indexes: &'static str,
) -> BTreeSet<String> {
    let mut schema = BTreeSet::new();
    for row in sqlx::query(columns).fetch_all(db.pool()).await.expect("columns") {
        let (table, column): (String, String) = (row.try_get("t").expect("t"), row.try_get("c").expect("c"));
        schema.insert(format!("table {table}"));
        schema.insert(format!("column {table}.{column}"));
    }
    for row in sqlx::query(indexes).fetch_all(db.pool()).await.expect("indexes") {
        schema.insert(format!("index {}", row.try_get::<String, _>("i").expect("i")));
    }
    schema
}
