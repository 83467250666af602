//! The operations whose SQL differs by engine, named for what they do: a guarded update that
//! returns the row it changed, the same followed by an insert of what it returned, and an
//! upsert. Stores describe the operation in parts; the dialect renders it, as one statement
//! where the engine can and as several (on the same connection) where it cannot (`impl
//! Engine` below: how each engine writes them).

use super::dialect::Engine;

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

// How each engine writes the named operations.
impl Engine {
    /// The text of `shape` as one statement, or `None` when it is not one. SQLite (3.35 and
    /// later) and PostgreSQL write a guarded update's `RETURNING` and an upsert's
    /// `ON CONFLICT` alike. MySQL has no `RETURNING` (MariaDB none on `UPDATE`): what returns a
    /// row is two statements there (see [`Engine::read_back`]), and an upsert is
    /// `ON DUPLICATE KEY UPDATE`, or `INSERT IGNORE` to leave an existing row be.
    pub(super) fn single_statement(self, shape: Shape) -> Option<String> {
        match shape {
            Shape::Plain | Shape::Chain(..) => None,
            Shape::Update(update) if self == Self::Mysql => Some(update.update_text()),
            Shape::Update(update) => Some(update.returning_text()),
            Shape::Upsert(u) if self == Self::Mysql => {
                let Upsert { table, columns, values, .. } = u;
                Some(match u.update {
                    Some(set) => {
                        format!(
                            "INSERT INTO {table} ({columns}) VALUES ({values}) ON DUPLICATE KEY UPDATE {}",
                            mysql_excluded(set)
                        )
                    }
                    None => format!("INSERT IGNORE INTO {table} ({columns}) VALUES ({values})"),
                })
            }
            Shape::Upsert(u) => {
                let on_conflict = match u.update {
                    Some(set) => format!("DO UPDATE SET {set}"),
                    None => "DO NOTHING".to_owned(),
                };
                let returning = u.returning.map(|r| format!(" RETURNING {r}")).unwrap_or_default();
                Some(format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) {on_conflict}{returning}",
                    u.table, u.columns, u.values, u.key
                ))
            }
        }
    }

    /// For an engine without `RETURNING` (MySQL), the statement that reads back the row a
    /// shaped write returns, to run after [`Engine::single_statement`]'s text in the same
    /// transaction; `None` where the write returns its row itself, or returns none.
    pub(super) fn read_back(self, shape: Shape) -> Result<Option<String>, sqlx::Error> {
        match shape {
            _ if self != Self::Mysql => Ok(None),
            Shape::Update(update) => Ok(Some(update.read_back_text())),
            Shape::Upsert(upsert) => upsert.read_back_text().map_err(sqlx::Error::Protocol),
            Shape::Plain | Shape::Chain(..) => Ok(None),
        }
    }

    /// Whether one statement can pass a write's `RETURNING` rows on to another write (a
    /// data-modifying `WITH`). PostgreSQL can, which saves a round trip while the first write
    /// holds its row lock; SQLite cannot, and has a single writer, so there is no lock to hurry.
    pub(super) fn chains_writes(self) -> bool {
        self == Self::Postgres
    }
}

/// An upsert's `SET` for MySQL: `excluded.col` (the value the insert proposed) is `VALUES(col)`.
fn mysql_excluded(set: &str) -> String {
    let mut out = String::with_capacity(set.len() + 8);
    let mut rest = set;
    while let Some(at) = rest.find("excluded.") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "excluded.".len()..];
        let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        out.push_str(&format!("VALUES({})", &after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
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

    #[test]
    fn mysql_upserts_name_the_proposed_values() {
        assert_eq!(
            mysql_excluded(
                "quantity = cart_items.quantity + excluded.quantity, updated_at = excluded.updated_at"
            ),
            "quantity = cart_items.quantity + VALUES(quantity), updated_at = VALUES(updated_at)"
        );
    }
}
