//! The baseline for `bench/run`: what axum and sqlx alone do on this machine.
//!
//! - `GET /hello`: a constant JSON body, no database.
//! - `GET /product/{id}`: one primary-key query on PostgreSQL, the row as JSON.
//!
//! `BASELINE_LISTEN` (default 127.0.0.1:8090) and `BASELINE_DATABASE_URL` (optional; without it
//! only `/hello` is served). On start it fills `baseline_products` with 100,000 rows if empty.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use serde_json::{Value, json};
use sqlx::{PgPool, postgres::PgPoolOptions};

async fn hello() -> Json<Value> {
    Json(json!({ "hello": "world" }))
}

async fn product(State(pool): State<PgPool>, Path(id): Path<i64>) -> Result<Json<Value>, StatusCode> {
    let row: Option<(i64, String, String, i64)> =
        sqlx::query_as("SELECT id, handle, title, price FROM baseline_products WHERE id = $1")
            .bind(id)
            .fetch_optional(&pool)
            .await
            .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let (id, handle, title, price) = row.ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(json!({ "id": id, "handle": handle, "title": title, "price": price })))
}

async fn prepare(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS baseline_products \
         (id BIGINT PRIMARY KEY, handle TEXT NOT NULL, title TEXT NOT NULL, price BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO baseline_products (id, handle, title, price) \
         SELECT n, 'product-' || n, 'Product ' || n, 100 + n % 9900 FROM generate_series(1, 100000) AS n \
         ON CONFLICT (id) DO NOTHING",
    )
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE baseline_products").execute(pool).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listen = std::env::var("BASELINE_LISTEN").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let mut app = Router::new().route("/hello", get(hello));
    if let Ok(url) = std::env::var("BASELINE_DATABASE_URL") {
        // The same pool size as Oxcart's default.
        let pool = PgPoolOptions::new().max_connections(10).connect(&url).await?;
        prepare(&pool).await?;
        app = app.merge(Router::new().route("/product/{id}", get(product)).with_state(pool));
    }
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("baseline listening on http://{listen}");
    axum::serve(listener, app).await?;
    Ok(())
}
