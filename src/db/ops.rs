//! The operations whose SQL differs by engine, named for what they do: a guarded update that
//! returns the row it changed, the same followed by an insert of what it returned, and an
//! upsert. Stores describe the operation in parts; the dialect renders it, as one statement
//! where the engine can and as several (on the same connection) where it cannot.

/// `UPDATE {table} SET {set} WHERE {key} AND ({guard})`, returning `returning` of the changed
/// row. The guard is what makes racing writers safe: of two that read the same state, only
/// one can still match it, so exactly one gets a row back.
#[derive(Clone, Copy, Debug)]
pub struct GuardedUpdate {
    pub name: &'static str,
    pub table: &'static str,
    pub set: &'static str,
    /// Picks the row: `id = $1`.
    pub key: &'static str,
    pub guard: &'static str,
    /// Columns of the row as changed: `on_hand, reserved`.
    pub returning: &'static str,
}

impl GuardedUpdate {
    /// The update with its `RETURNING` clause, for the engines that have one.
    pub(super) fn returning_text(&self) -> String {
        let Self { table, set, key, guard, returning, .. } = self;
        format!("UPDATE {table} SET {set} WHERE {key} AND ({guard}) RETURNING {returning}")
    }
}

/// `INSERT INTO {table} ({columns}) VALUES ({values})`, and when a row with the same `key`
/// exists, `update` it instead (`excluded.col` names the value this insert proposed), or leave
/// it be when `update` is `None` (then `execute` says 0).
#[derive(Clone, Copy, Debug)]
pub struct Upsert {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static str,
    pub values: &'static str,
    /// The columns of the unique key that decides "exists".
    pub key: &'static str,
    pub update: Option<&'static str>,
    /// Columns of the row as written (inserted or updated); `None` for none.
    pub returning: Option<&'static str>,
}

/// What a statement is: text as written, or one of the named operations.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    Plain,
    Update(GuardedUpdate),
    Upsert(Upsert),
    Chain(GuardedUpdate, &'static str, &'static str),
}
