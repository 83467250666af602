//! Every statement Oxcart runs is a [`Sql`]: a name, text with numbered parameters (`$1`),
//! and the values bound to them. The text is written once, in the engines' common SQL; what
//! differs by engine is a named piece ([`Sql::skip_locked`], [`Sql::product_matches`], …) or a
//! named operation (`ops`), which the dialect renders when the statement runs on a connection
//! that knows its engine ([`Exec`]). Client input never becomes SQL text: only `push` adds
//! text, and its callers pass literals; values are always bound.
//!
//! Each run is a `sql` tracing span at debug level carrying the statement's name and how long
//! it took, never its values.

use std::borrow::Cow;

use sqlx::Error;

use super::{
    dialect::Engine,
    exec::Exec,
    ops::{GuardedUpdate, Shape, Upsert},
    parts::{Bind, Fragment, Piece, RowLock},
};

/// One statement: see the module documentation.
#[derive(Debug)]
pub struct Sql {
    pub(super) name: &'static str,
    pub(super) pieces: Vec<Piece>,
    pub(super) binds: Vec<Bind>,
    pub(super) shape: Shape,
}

/// The most values a multi-row statement binds. The engines accept far more (SQLite 32,766,
/// PostgreSQL 65,535), but binding a value by its name makes SQLite search the statement's list
/// of names (`sqlite3_bind_parameter_name`), so a statement of n values costs n² to bind: at
/// 32,000 that was nine tenths of seeding's CPU. Past a thousand, fewer statements save little.
const MAX_BINDS: usize = 1_000;

/// Inserts `rows`, each written as the `N` values `values` gives for it, after `head`
/// (`"INSERT INTO t (a, b) VALUES "`): as many rows to a statement named `name` as
/// [`MAX_BINDS`] allows, in order. Nothing is run for no rows.
pub async fn insert_rows<T, const N: usize>(
    mut db: impl Exec,
    name: &'static str,
    head: &'static str,
    rows: &[T],
    values: impl Fn(&T) -> [Bind; N],
) -> Result<(), Error> {
    for chunk in rows.chunks((MAX_BINDS / N).max(1)) {
        let mut q = sql(name, head);
        q.push_rows(chunk.iter().map(&values));
        q.execute(&mut db).await?;
    }
    Ok(())
}

/// A statement named `name` (`domain.what`, as it appears in traces) with the text `text`.
pub fn sql(name: &'static str, text: &'static str) -> Sql {
    Sql { name, pieces: vec![Piece::Text(Cow::Borrowed(text))], binds: Vec::new(), shape: Shape::Plain }
}

impl Sql {
    /// Text built by `db` itself (a named operation rendered for an engine).
    pub(super) fn text(name: &'static str, text: String, binds: Vec<Bind>) -> Self {
        Self { name, pieces: vec![Piece::Text(Cow::Owned(text))], binds, shape: Shape::Plain }
    }

    /// A named operation, its values still to bind; the dialect writes its text when it runs.
    fn shaped(name: &'static str, shape: Shape) -> Self {
        Self { name, pieces: Vec::new(), binds: Vec::new(), shape }
    }

    /// Binds the next parameter (`$1`, then `$2`, …).
    #[must_use]
    pub fn bind(mut self, value: impl Into<Bind>) -> Self {
        self.binds.push(value.into());
        self
    }

    /// Appends text. Callers pass literals (or literals they chose between), never input.
    pub fn push(&mut self, text: &str) -> &mut Self {
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.to_mut().push_str(text),
            _ => self.pieces.push(Piece::Text(Cow::Owned(text.to_owned()))),
        }
        self
    }

    /// Binds a value and returns its placeholder (`$3`), for text that names it more than once.
    pub fn param(&mut self, value: impl Into<Bind>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    pub fn push_bind(&mut self, value: impl Into<Bind>) -> &mut Self {
        let placeholder = self.param(value);
        self.push(&placeholder)
    }

    /// `$4, $5, $6` for each value; callers make sure the list is not empty.
    pub fn push_list<V: Into<Bind>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// `($1, $2), ($3, $4)`: a multi-row `VALUES` list, one parenthesised group per row.
    fn push_rows<R: IntoIterator<Item = Bind>>(&mut self, rows: impl IntoIterator<Item = R>) -> &mut Self {
        for (i, row) in rows.into_iter().enumerate() {
            self.push(if i > 0 { ", (" } else { "(" });
            self.push_list(row);
            self.push(")");
        }
        self
    }

    /// Appended to a `SELECT … LIMIT n` that picks work for one of several workers: where the
    /// engine can, rows another worker has locked are skipped rather than waited for.
    pub fn skip_locked(&mut self) -> &mut Self {
        self.fragment(Fragment::SkipLocked)
    }

    /// Appended to a `SELECT … WHERE …` over a table with `status`, `created_at` and `id`: only
    /// rows with `status` (if given) and before the cursor `after` (`created_at`, `id`), newest
    /// first, `limit + 1` of them (the extra one tells whether another page exists).
    pub fn newest_first_page(
        &mut self,
        status: Option<&str>,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> &mut Self {
        if let Some(status) = status {
            self.push(" AND status = ").push_bind(status);
        }
        if let Some((at, id)) = after {
            self.push(" AND (created_at, id) < (").push_bind(at).push(", ").push_bind(id).push(")");
        }
        self.push(" ORDER BY created_at DESC, id DESC LIMIT ").push_bind(limit + 1)
    }

    /// Appended to a `SELECT`: the rows it reads stay locked (`lock`) until the transaction ends.
    pub fn locked(&mut self, lock: RowLock) -> &mut Self {
        self.fragment(Fragment::Locked(lock))
    }

    /// `column`, written so that the planner does not reach the rows through an index on it.
    pub fn without_index(&mut self, column: &'static str) -> &mut Self {
        self.fragment(Fragment::WithoutIndex(column))
    }

    /// Placed after a table's name: its rows are to be read through `index`, which the
    /// planners of SQLite and PostgreSQL pick by themselves.
    pub fn through_index(&mut self, index: &'static str) -> &mut Self {
        self.fragment(Fragment::ThroughIndex(index))
    }

    /// The condition "product `p` matches every word of `words`" (as prefixes, after
    /// stemming), in titles only when `title_only`. Each engine asks its full-text index.
    pub fn product_matches(&mut self, words: &[String], title_only: bool) -> &mut Self {
        self.fragment(Fragment::ProductMatches { words: words.to_vec(), title_only, within: None })
    }

    /// The same condition for rows of the common table `within` (products, with every column),
    /// which the statement also reads: where the engine gathers the matches first (SQLite), it
    /// gathers only those from the table's oldest row on, not every match in the catalog.
    pub fn product_matches_within(
        &mut self,
        words: &[String],
        title_only: bool,
        within: &'static str,
    ) -> &mut Self {
        self.fragment(Fragment::ProductMatches { words: words.to_vec(), title_only, within: Some(within) })
    }

    /// The next order number, for the order's `INSERT`: unique and increasing, not contiguous.
    pub fn next_order_number(&mut self) -> &mut Self {
        self.fragment(Fragment::NextOrderNumber)
    }

    /// An aggregate over the rows of a (sub)query: `[[col, col, …], …]` in `order_by` order, as
    /// JSON text, `[]` when there are none. Lets one statement return each product with its
    /// variants instead of a statement per table.
    pub fn json_rows(&mut self, columns: &'static str, order_by: &'static str) -> &mut Self {
        self.fragment(Fragment::JsonRows { columns, order_by })
    }

    fn fragment(&mut self, fragment: Fragment) -> &mut Self {
        self.pieces.push(Piece::Fragment(fragment));
        self
    }

    /// The text and values as `engine` runs them.
    pub(super) fn render(self, engine: Engine) -> Result<(Cow<'static, str>, Vec<Bind>), Error> {
        engine.render(self.pieces, self.binds)
    }
}

// The named operations become statements here; `run` writes them for the engine.
impl GuardedUpdate {
    /// The update as a statement; bind its parameters and fetch the row it returns.
    pub fn sql(self) -> Sql {
        Sql::shaped(self.name, Shape::Update(self))
    }

    /// The update, then `INSERT INTO {into} SELECT {select} FROM changed`, where `changed` is
    /// the row the update returned: for a change and its audit row, written together or not at
    /// all. `execute` says how many rows were inserted (0 when the guard refused).
    pub fn then_insert(self, into: &'static str, select: &'static str) -> Sql {
        Sql::shaped(self.name, Shape::Chain(self, into, select))
    }
}

impl Upsert {
    /// The upsert as a statement; bind its values, and fetch the row when it returns one.
    pub fn sql(self) -> Sql {
        Sql::shaped(self.name, Shape::Upsert(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_numbered_placeholders() {
        let mut q = sql("test.numbered", "SELECT id FROM t WHERE a = ");
        q.push_bind(7).push(" AND b IN (").push_list(["x", "y"]).push(")");
        let again = q.param("z");
        q.push(" AND (c = ").push(&again).push(" OR d = ").push(&again).push(")");
        let (text, binds) = q.render(Engine::Postgres).unwrap();
        assert_eq!(text, "SELECT id FROM t WHERE a = $1 AND b IN ($2, $3) AND (c = $4 OR d = $4)");
        assert_eq!(binds.len(), 4);
    }

    #[test]
    fn debug_output_names_the_statement_but_never_a_value() {
        let q = sql("accounts.find", "SELECT id FROM customers WHERE email = $1").bind("alice@example.com");
        let shown = format!("{q:?}");
        assert!(shown.contains("accounts.find") && shown.contains("Text(…)"), "{shown}");
        assert!(!shown.contains("alice"), "{shown}");
    }

    #[test]
    fn static_text_is_not_copied() {
        let q = sql("test.static", "SELECT 1").bind(1);
        assert!(matches!(q.render(Engine::Sqlite).unwrap().0, Cow::Borrowed("SELECT 1")));
    }
}
