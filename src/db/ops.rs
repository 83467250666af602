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
        format!("{} RETURNING {}", self.update_text(), self.returning)
    }

    /// The update alone, for engines without `RETURNING`.
    pub(super) fn update_text(&self) -> String {
        let Self { table, set, key, guard, .. } = self;
        format!("UPDATE {table} SET {set} WHERE {key} AND ({guard})")
    }

    /// Reads the changed row back by its key, for engines without `RETURNING`: in the same
    /// transaction, right after the update, whose row lock keeps other writers off it.
    pub(super) fn read_back_text(&self) -> String {
        let Self { table, key, returning, .. } = self;
        format!("SELECT {returning} FROM {table} WHERE {key}")
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

impl Upsert {
    /// Reads the written row back by its key, for engines without `RETURNING`: `Ok(None)` when
    /// the upsert returns nothing. A key column without a plain value among `values` cannot be
    /// read back by; that upsert is refused whole rather than answer "no row".
    pub(super) fn read_back_text(&self) -> Result<Option<String>, String> {
        let Some(returning) = self.returning else { return Ok(None) };
        let values: Vec<(&str, &str)> =
            self.columns.split(',').map(str::trim).zip(self.values.split(',').map(str::trim)).collect();
        let mut conditions = Vec::new();
        for key in self.key.split(',').map(str::trim) {
            let Some((_, value)) = values.iter().find(|(column, _)| *column == key) else {
                return Err(format!(
                    "upsert {}: key column {key} has no value to read the row back by",
                    self.name
                ));
            };
            conditions.push(format!("{key} = {value}"));
        }
        Ok(Some(format!("SELECT {returning} FROM {} WHERE {}", self.table, conditions.join(" AND "))))
    }
}

/// What a statement is: text as written, or one of the named operations.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape {
    Plain,
    Update(GuardedUpdate),
    Upsert(Upsert),
    Chain(GuardedUpdate, &'static str, &'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upsert_reads_its_row_back_by_the_values_of_its_key() {
        let upsert = Upsert {
            name: "test.upsert",
            table: "cart_items",
            columns: "id, cart_id, variant_id, quantity",
            values: "$1, $2, $3, $4",
            key: "cart_id, variant_id",
            update: Some("quantity = excluded.quantity"),
            returning: Some("quantity"),
        };
        assert_eq!(
            upsert.read_back_text(),
            Ok(Some("SELECT quantity FROM cart_items WHERE cart_id = $2 AND variant_id = $3".to_owned()))
        );
        assert_eq!(Upsert { returning: None, ..upsert }.read_back_text(), Ok(None));
        let unmapped = Upsert { key: "cart_id, variant_id, size", ..upsert };
        assert!(unmapped.read_back_text().is_err_and(|e| e.contains("size")));
    }
}
