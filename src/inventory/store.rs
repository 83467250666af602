//! Inventory SQL.

use super::model::{LedgerEntry, StockLevel};
use crate::{
    db::{self, Exec, FromRow, GuardedUpdate, Tx, sql},
    ids,
    page::PageRequest,
};

/// A level row for each `(variant id, on hand)`, nothing reserved.
pub async fn insert_levels(db: impl Exec, levels: &[(&str, i64)], now: i64) -> Result<(), db::Error> {
    let head = "INSERT INTO inventory_levels (variant_id, on_hand, reserved, updated_at) VALUES ";
    db::insert_rows(db, "inventory.insert_levels", head, levels, |(variant, on_hand)| {
        [(*variant).into(), (*on_hand).into(), 0_i64.into(), now.into()]
    })
    .await
}

/// One change to a variant's stock, with what its ledger row says about it.
pub struct Change<'a> {
    pub variant_id: &'a str,
    pub kind: &'a str,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
    pub reason: &'a str,
    pub actor: &'a str,
    pub at: i64,
}

/// The guard, in the `WHERE`: racing writers can never both pass it, so this is how every
/// reservation, sale and adjustment happens.
const CHANGE_LEVEL: GuardedUpdate = GuardedUpdate {
    name: "inventory.change_level",
    table: "inventory_levels",
    set: "on_hand = on_hand + $2, reserved = reserved + $3, updated_at = $4",
    key: "variant_id = $1",
    guard: "on_hand + $2 >= reserved + $3 AND reserved + $3 >= 0",
    returning: "on_hand, reserved",
};

/// Applies `change` unless that would leave `reserved` negative or above `on_hand`, and writes
/// its ledger row from the level as changed; `false` when refused or when there is no such
/// variant. On a busy variant every other checkout waits for this row's lock, so where the
/// engine can, both writes are one statement.
pub async fn change_level(tx: &mut Tx, change: &Change<'_>) -> Result<bool, db::Error> {
    let written = CHANGE_LEVEL
        .then_insert(
            "inventory_ledger (id, variant_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after,
               reason, actor, created_at)",
            "$5, $1, $6, $2, $3, on_hand, reserved, $7, $8, $4",
        )
        .bind(change.variant_id)
        .bind(change.on_hand_delta)
        .bind(change.reserved_delta)
        .bind(change.at)
        .bind(ids::new_id("inv"))
        .bind(change.kind)
        .bind(change.reason)
        .bind(change.actor)
        .execute(tx)
        .await?;
    Ok(written == 1)
}

pub async fn insert_ledger(db: impl Exec, entries: &[LedgerEntry]) -> Result<(), db::Error> {
    let head = "INSERT INTO inventory_ledger (id, variant_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
                reserved_after, reason, actor, created_at) VALUES ";
    db::insert_rows(db, "inventory.insert_ledger", head, entries, |e| {
        [
            (&e.id).into(),
            (&e.variant_id).into(),
            (&e.kind).into(),
            e.on_hand_delta.into(),
            e.reserved_delta.into(),
            e.on_hand_after.into(),
            e.reserved_after.into(),
            (&e.reason).into(),
            (&e.actor).into(),
            e.created_at.into(),
        ]
    })
    .await
}

#[derive(FromRow)]
struct LevelRow {
    variant_id: String,
    sku: String,
    product_id: String,
    product_title: String,
    variant_title: String,
    on_hand: i64,
    reserved: i64,
    updated_at: i64,
}

impl From<LevelRow> for StockLevel {
    fn from(r: LevelRow) -> Self {
        Self {
            variant_id: r.variant_id,
            sku: r.sku,
            product_id: r.product_id,
            product_title: r.product_title,
            variant_title: r.variant_title,
            on_hand: r.on_hand,
            reserved: r.reserved,
            updated_at: r.updated_at,
        }
    }
}

const LEVEL_SELECT: &str = "SELECT l.variant_id, v.sku, v.product_id, p.title AS product_title, \
     v.title AS variant_title, l.on_hand, l.reserved, l.updated_at \
     FROM inventory_levels l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id";

pub async fn level(db: impl Exec, variant_id: &str) -> Result<Option<StockLevel>, db::Error> {
    let mut q = sql("inventory.level", LEVEL_SELECT);
    q.push(" WHERE l.variant_id = ").push_bind(variant_id);
    Ok(q.fetch_all::<LevelRow>(db).await?.pop().map(Into::into))
}

/// Ordered by SKU (unique), `limit + 1` rows.
pub async fn list_levels(
    db: impl Exec,
    low_stock: Option<i64>,
    after_sku: Option<&str>,
    limit: i64,
) -> Result<Vec<StockLevel>, db::Error> {
    let mut q = sql("inventory.list_levels", LEVEL_SELECT);
    q.push(" WHERE 1 = 1");
    if let Some(threshold) = low_stock {
        q.push(" AND l.on_hand - l.reserved <= ").push_bind(threshold);
    }
    if let Some(sku) = after_sku {
        q.push(" AND v.sku > ").push_bind(sku);
    }
    q.push(" ORDER BY v.sku LIMIT ").push_bind(limit + 1);
    Ok(q.fetch_all::<LevelRow>(db).await?.into_iter().map(Into::into).collect())
}

#[derive(FromRow)]
struct LedgerRow {
    id: String,
    variant_id: String,
    kind: String,
    on_hand_delta: i64,
    reserved_delta: i64,
    on_hand_after: i64,
    reserved_after: i64,
    reason: String,
    actor: String,
    created_at: i64,
}

/// Newest first, `limit + 1` rows.
pub async fn ledger(
    db: impl Exec,
    variant_id: &str,
    page: &PageRequest,
) -> Result<Vec<LedgerEntry>, db::Error> {
    let (at, id) = page.after.as_ref().map_or((i64::MAX, ""), |c| (c.at, c.id.as_str()));
    let rows: Vec<LedgerRow> = sql(
        "inventory.ledger",
        "SELECT id, variant_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason,
           actor, created_at
         FROM inventory_ledger
         WHERE variant_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3))
         ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(variant_id)
    .bind(at)
    .bind(id)
    .bind(page.limit + 1)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerEntry {
            id: r.id,
            variant_id: r.variant_id,
            kind: r.kind,
            on_hand_delta: r.on_hand_delta,
            reserved_delta: r.reserved_delta,
            on_hand_after: r.on_hand_after,
            reserved_after: r.reserved_after,
            reason: r.reason,
            actor: r.actor,
            created_at: r.created_at,
        })
        .collect())
}
