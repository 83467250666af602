//! The two migration folders are kept by hand; this makes sure they cannot drift: both number
//! their migrations alike, and the schemas they end up with have the same tables, columns and
//! indexes (by name), but for the engine-specific pieces listed here with the reason for each.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::helpers::{Engine, TestDatabase, postgres_url};

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
    // Full-text search: a generated tsvector with a GIN index, and one on the title alone.
    "column products.search_vector",
    "index products_search_idx",
    "index products_title_search_idx",
];

/// Versions before this one were numbered apart by hand (PostgreSQL had one more); they keep
/// their numbers because databases in the field recorded them. From here on a version names the
/// same change on every engine.
const FIRST_SHARED_NAME: u32 = 17;

#[test]
fn both_engines_number_their_migrations_alike() {
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
    let (lite, pg) = (files("sqlite"), files("postgres"));
    let versions = |files: &BTreeSet<(u32, String)>| files.iter().map(|(v, _)| *v).collect::<Vec<_>>();
    assert_eq!(versions(&lite), versions(&pg), "a migration added for one engine only");
    let shared = |files: &BTreeSet<(u32, String)>| {
        files.iter().filter(|(v, _)| *v >= FIRST_SHARED_NAME).map(|(_, n)| n.clone()).collect::<Vec<_>>()
    };
    assert_eq!(shared(&lite), shared(&pg), "one version, two different changes");
}

#[tokio::test]
async fn both_engines_end_up_with_the_same_schema() {
    if postgres_url().is_none() {
        eprintln!("skipped: set OXCART_TEST_POSTGRES_URL to compare the engines' schemas");
        return;
    }
    let sqlite = TestDatabase::create(Engine::Sqlite).await;
    let postgres = TestDatabase::create(Engine::Postgres).await;
    let (lite, pg) = (sqlite.connect().await, postgres.connect().await);
    let mut lite_schema = BTreeSet::new();
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
        .fetch_all(lite.pool())
        .await
        .expect("tables");
    for table in tables {
        let table: String = table.try_get("name").expect("name");
        lite_schema.insert(format!("table {table}"));
        if ONLY_SQLITE.contains(&format!("table {table}").as_str()) {
            continue; // an engine's own table: its columns are its own too
        }
        let columns =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{table}')")))
                .fetch_all(lite.pool())
                .await
                .expect("columns");
        for column in columns {
            lite_schema
                .insert(format!("column {table}.{}", column.try_get::<String, _>("name").expect("name")));
        }
    }
    let indexes = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        .fetch_all(lite.pool())
        .await
        .expect("indexes");
    for index in indexes {
        lite_schema.insert(format!("index {}", index.try_get::<String, _>("name").expect("name")));
    }

    let mut pg_schema = BTreeSet::new();
    let columns = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pg.pool())
    .await
    .expect("columns");
    for row in columns {
        let (table, column): (String, String) = (row.try_get("t").expect("t"), row.try_get("c").expect("c"));
        pg_schema.insert(format!("table {table}"));
        pg_schema.insert(format!("column {table}.{column}"));
    }
    // Indexes created by CREATE INDEX, not those behind primary keys and unique constraints.
    let indexes = sqlx::query(
        "SELECT indexname::text AS i FROM pg_indexes WHERE schemaname = 'public'
         AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(pg.pool())
    .await
    .expect("indexes");
    for row in indexes {
        pg_schema.insert(format!("index {}", row.try_get::<String, _>("i").expect("i")));
    }

    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>, allowed: &[&str]| -> Vec<String> {
        a.difference(b).filter(|item| !allowed.contains(&item.as_str())).cloned().collect()
    };
    assert_eq!(only(&lite_schema, &pg_schema, ONLY_SQLITE), Vec::<String>::new(), "only on SQLite");
    assert_eq!(only(&pg_schema, &lite_schema, ONLY_POSTGRES), Vec::<String>::new(), "only on PostgreSQL");
    for listed in ONLY_SQLITE {
        assert!(lite_schema.contains(*listed), "{listed} is listed as SQLite's own but SQLite lacks it");
    }
    for listed in ONLY_POSTGRES {
        assert!(pg_schema.contains(*listed), "{listed} is listed as PostgreSQL's own but it lacks it");
    }
    lite.close().await;
    pg.close().await;
}
