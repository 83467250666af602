//! What stock is: a variant's level, and one line of the ledger that explains it.

use crate::ids;

/// A variant's stock, with enough of its product to be read in a list.
#[derive(Debug, Clone)]
pub struct StockLevel {
    pub variant_id: String,
    pub sku: String,
    pub product_id: String,
    pub product_title: String,
    pub variant_title: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub updated_at: i64,
}

impl StockLevel {
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }
}

#[derive(Debug, Clone)]
pub struct LedgerEntry {
    pub id: String,
    pub variant_id: String,
    /// `initial`, `adjustment`; checkout adds `reservation`, `release`, `sale` and `return`.
    pub kind: String,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
    pub on_hand_after: i64,
    pub reserved_after: i64,
    pub reason: String,
    /// Who made the change: an admin's customer id, or `system`.
    pub actor: String,
    pub created_at: i64,
}

impl LedgerEntry {
    /// A ledger line for a change of `deltas` that left the level at `after`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        variant_id: &str,
        kind: &str,
        (on_hand_delta, reserved_delta): (i64, i64),
        (on_hand_after, reserved_after): (i64, i64),
        reason: &str,
        actor: &str,
        now: i64,
    ) -> LedgerEntry {
        LedgerEntry {
            id: ids::new_id("inv"),
            variant_id: variant_id.to_owned(),
            kind: kind.to_owned(),
            on_hand_delta,
            reserved_delta,
            on_hand_after,
            reserved_after,
            reason: reason.to_owned(),
            actor: actor.to_owned(),
            created_at: now,
        }
    }
}
