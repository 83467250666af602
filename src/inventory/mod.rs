//! Inventory: stock per variant and the ledger of every change to it.
//!
//! `on_hand` is what the warehouse holds, `reserved` what checkouts in progress hold, and
//! `available = on_hand - reserved` what shoppers can still buy. Every change is a guarded
//! `UPDATE` (the database refuses to let `available` go negative) plus a ledger row, in the
//! caller's transaction.

mod model;
pub mod routes;
mod store;

pub use model::{LedgerEntry, StockLevel};

use crate::{
    db::{self, Db, Tx, retry_transient},
    error::{ApiError, FieldError},
    time,
    validate::{self, Validator},
};

const MAX_DELTA: i64 = 1_000_000_000;

/// Starts new variants' stock (`(variant id, on hand)`) inside the transaction that creates the
/// variants: a level each, and a ledger row for each that starts with units.
pub async fn open_stock(tx: &mut Tx, levels: &[(&str, i64)], actor: &str) -> Result<(), db::Error> {
    let now = time::now_ms();
    store::insert_levels(&mut *tx, levels, now).await?;
    let entries: Vec<LedgerEntry> = levels
        .iter()
        .filter(|(_, on_hand)| *on_hand > 0)
        .map(|&(variant, on_hand)| {
            LedgerEntry::new(variant, "initial", (on_hand, 0), (on_hand, 0), "initial stock", actor, now)
        })
        .collect();
    store::insert_ledger(&mut *tx, &entries).await
}

/// How an order moves stock. Each is one guarded update plus a ledger row, in the caller's
/// transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockMove {
    /// Checkout holds units while the payment runs.
    Reserve,
    /// A hold ends without a sale (declined payment, abandoned checkout).
    Release,
    /// A paid order takes the units it held.
    Sell,
    /// A cancelled order's units go back on the shelf.
    Return,
}

impl StockMove {
    fn kind(self) -> &'static str {
        match self {
            Self::Reserve => "reservation",
            Self::Release => "release",
            Self::Sell => "sale",
            Self::Return => "return",
        }
    }

    fn deltas(self, quantity: i64) -> (i64, i64) {
        match self {
            Self::Reserve => (0, quantity),
            Self::Release => (0, -quantity),
            Self::Sell => (-quantity, -quantity),
            Self::Return => (quantity, 0),
        }
    }
}

/// Applies `movement` for `quantity` units; `false` when refused (for `Reserve`: fewer than
/// `quantity` available). `reason` names the order.
pub async fn move_stock(
    tx: &mut Tx,
    variant_id: &str,
    movement: StockMove,
    quantity: i64,
    reason: &str,
) -> Result<bool, db::Error> {
    let (on_hand_delta, reserved_delta) = movement.deltas(quantity);
    let change = store::Change {
        variant_id,
        kind: movement.kind(),
        on_hand_delta,
        reserved_delta,
        reason,
        actor: "system",
        at: time::now_ms(),
    };
    store::change_level(tx, &change).await
}

/// What is available of a variant now (0 when it has no stock record).
pub async fn available(tx: &mut Tx, variant_id: &str) -> Result<i64, db::Error> {
    Ok(store::level(&mut *tx, variant_id).await?.map_or(0, |l| l.available()))
}

/// An admin's correction: a delivery (`delta > 0`), or shrinkage and damage (`delta < 0`).
/// Refused with `409 out_of_stock` when it would take more than is available.
pub async fn adjust(
    db: &Db,
    variant_id: &str,
    delta: i64,
    reason: &str,
    actor: &str,
) -> Result<StockLevel, ApiError> {
    let mut v = Validator::new();
    v.check(
        "delta",
        if delta != 0 && (-MAX_DELTA..=MAX_DELTA).contains(&delta) {
            Ok(())
        } else {
            Err(format!("must be a non-zero integer between -{MAX_DELTA} and {MAX_DELTA}"))
        },
    );
    let reason = v.check("reason", validate::text(reason, 1, 200));
    v.finish()?;
    let reason = &reason.unwrap_or_default();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        let change = store::Change {
            variant_id,
            kind: "adjustment",
            on_hand_delta: delta,
            reserved_delta: 0,
            reason,
            actor,
            at: time::now_ms(),
        };
        if !store::change_level(&mut tx, &change).await? {
            let level = store::level(&mut tx, variant_id).await?.ok_or_else(ApiError::not_found)?;
            let available = level.available();
            return Err(ApiError::conflict(
                "out_of_stock",
                format!("Only {available} units are available; the adjustment would take stock below zero."),
            )
            .with_errors(vec![FieldError {
                field: "delta".into(),
                message: format!("at most {available} units can be removed"),
            }]));
        }
        let level = store::level(&mut tx, variant_id).await?.ok_or_else(ApiError::not_found)?;
        tx.commit().await?;
        Ok(level)
    })
    .await
}

/// Stock levels ordered by SKU; with `low_stock`, only those with at most that many available.
pub async fn list_levels(
    db: &Db,
    low_stock: Option<i64>,
    after_sku: Option<&str>,
    limit: i64,
) -> Result<Vec<StockLevel>, ApiError> {
    Ok(store::list_levels(db, low_stock, after_sku, limit).await?)
}

pub async fn ledger(
    db: &Db,
    variant_id: &str,
    page: &crate::page::PageRequest,
) -> Result<Vec<LedgerEntry>, ApiError> {
    let mut conn = db.acquire().await?;
    store::level(&mut conn, variant_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(store::ledger(&mut conn, variant_id, page).await?)
}
