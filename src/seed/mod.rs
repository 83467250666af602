//! Filling a store with data: the demo catalog (`oxcart seed --demo`, and the first start on
//! the embedded database) and large generated catalogs for benchmarks (`seed --products N`).
//! Everything goes through the catalog's own rules, as an admin's requests would.

mod demo;
mod synthetic;

pub use demo::seed_demo;
pub use synthetic::seed_products;

use crate::db::Db;

/// Who the ledger says created the seeded stock.
const SEED_ACTOR: &str = "system:seed";

/// True when the database holds no products and no customers: a store nobody has used yet.
pub async fn store_is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let used: i64 = sqlx::query_scalar(
        "SELECT CAST((SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM customers) AS BIGINT)",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(used == 0)
}

/// True once any product exists, in any status.
pub async fn has_products(db: &Db) -> Result<bool, sqlx::Error> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM products LIMIT 1").fetch_optional(db.pool()).await?;
    Ok(found.is_some())
}

/// A small deterministic generator (xorshift64*): the same seed gives the same catalog, so
/// benchmarks are comparable run to run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}
