//! Everything that differs between the engines. Keep this file small: if a query needs a
//! variant here, it gets one function, and the shared test suite runs it on both engines.

use std::borrow::Cow;

use super::{
    ops::Shape,
    parts::{Bind, Fragment, Piece},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err("the database URL must start with sqlite: or postgres://".into())
        }
    }

    /// The URL to connect with. A SQLite file is created when it does not exist yet (`mode=rwc`)
    /// unless the URL names a mode of its own (`mode=ro` to refuse writes, `mode=rw` to require
    /// the file): an operator pointing Oxcart at a new path expects a new database there.
    pub fn connect_url(self, url: &str) -> String {
        if self != Self::Sqlite || url.contains(":memory:") {
            return url.to_owned();
        }
        let query = url.split_once('?').map_or("", |(_, q)| q);
        if query.split('&').any(|pair| pair.starts_with("mode=")) {
            return url.to_owned();
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    }

    /// Whether a database error code (SQLSTATE on PostgreSQL, the result code on SQLite) means
    /// "this transaction lost a race; run it again": PostgreSQL's `40P01` (deadlock detected)
    /// and `40001` (serialization failure); SQLite's `SQLITE_BUSY` (5) and its extended codes
    /// (`BUSY_RECOVERY` 261, `BUSY_SNAPSHOT` 517, `BUSY_TIMEOUT` 773) and `SQLITE_LOCKED` (6).
    /// The codes of the engines do not overlap, so no engine is needed to read them.
    pub fn is_transient_code(code: &str) -> bool {
        matches!(code, "40P01" | "40001" | "5" | "261" | "517" | "773" | "6")
    }

    /// Appended to "cannot open the database": what an operator most likely has to fix.
    pub fn open_failure_hint(self) -> &'static str {
        match self {
            Self::Sqlite => {
                " (the file is created when missing: does its directory exist, and may Oxcart write there?)"
            }
            Self::Postgres => "",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    /// Run on every new connection.
    pub(super) fn session_setup(self) -> &'static [&'static str] {
        match self {
            // WAL lets readers run beside the one writer; the busy timeout makes writers queue.
            Self::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA busy_timeout = 5000",
                "PRAGMA foreign_keys = ON",
                "PRAGMA synchronous = NORMAL",
                // Keeps the planner's statistics fresh (for instance, that nearly every
                // product is `published`, so the status index is a poor way into a search).
                "PRAGMA analysis_limit = 400",
                "PRAGMA optimize = 0x10002",
            ],
            Self::Postgres => &[],
        }
    }

    /// Refreshes the planner's statistics after a bulk load, so it knows, for instance, that a
    /// variant's stock is one index probe away rather than a table scan.
    pub(super) fn refresh_statistics(self) -> &'static str {
        match self {
            Self::Sqlite => "PRAGMA optimize",
            Self::Postgres => "ANALYZE",
        }
    }

    pub(super) fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// The statement's text and values as this engine runs them: the pieces joined, each
    /// fragment rendered, its values bound after those of the statement.
    pub(super) fn render(
        self,
        mut pieces: Vec<Piece>,
        mut binds: Vec<Bind>,
    ) -> (Cow<'static, str>, Vec<Bind>) {
        if let [Piece::Text(text)] = pieces.as_mut_slice() {
            return (std::mem::take(text), binds);
        }
        let mut text = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => text.push_str(&t),
                Piece::Fragment(f) => text.push_str(&self.fragment(&f, &mut binds)),
            }
        }
        (Cow::Owned(text), binds)
    }

    /// The text of `shape` as one statement, or `None` when it is not one. SQLite (3.35 and
    /// later) and PostgreSQL write a guarded update's `RETURNING` and an upsert's
    /// `ON CONFLICT` alike; an engine that writes them otherwise gets its arm here.
    pub(super) fn single_statement(self, shape: Shape) -> Option<String> {
        match shape {
            Shape::Plain | Shape::Chain(..) => None,
            Shape::Update(update) => Some(update.returning_text()),
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

    fn fragment(self, fragment: &Fragment, binds: &mut Vec<Bind>) -> String {
        match fragment {
            Fragment::SkipLocked => self.skip_locked().to_owned(),
            Fragment::WithoutIndex(column) => self.without_index(column),
            Fragment::NextOrderNumber => self.next_order_number().to_owned(),
            Fragment::JsonRows { columns, order_by } => match self {
                Self::Sqlite => format!("json_group_array(json_array({columns}) ORDER BY {order_by})"),
                Self::Postgres => format!(
                    "CAST(COALESCE(json_agg(json_build_array({columns}) ORDER BY {order_by}), '[]') AS TEXT)"
                ),
            },
            Fragment::ProductMatches { words, title_only, within } => {
                self.product_matches(binds, words, *title_only, *within)
            }
        }
    }

    /// The condition "product `p` matches every word of `words`" (see
    /// [`Engine::search_query`]), with its query text bound. SQLite asks the FTS5 table;
    /// PostgreSQL a GIN index. For titles PostgreSQL has two conditions: the weight `A` test on
    /// `search_vector` is cheap on each row, so it filters a walk of another index, and the
    /// index on the title alone finds the rows when a title match is rare (the index on
    /// `search_vector` cannot tell title words from description words, so a word common in
    /// descriptions would send each of those rows to be checked).
    ///
    /// `within`: SQLite answers `IN (SELECT rowid … MATCH …)` by gathering every match first (for
    /// a common word in a million products, 50,000 rowids), so for rows of a common table it
    /// gathers only rowids from that table's lowest `seq` on: FTS5 seeks to a rowid bound, and
    /// no row of the table is below it.
    fn product_matches(
        self,
        binds: &mut Vec<Bind>,
        words: &[String],
        title_only: bool,
        within: Option<&str>,
    ) -> String {
        let mut param = |value: String| {
            binds.push(Bind::Text(Some(value)));
            format!("${}", binds.len())
        };
        let query = param(self.search_query(words, title_only));
        match self {
            Self::Sqlite => {
                let bound =
                    within.map(|t| format!(" AND rowid >= (SELECT MIN(seq) FROM {t})")).unwrap_or_default();
                format!("p.seq IN (SELECT rowid FROM products_fts WHERE products_fts MATCH {query}{bound})")
            }
            Self::Postgres if title_only => {
                let any_weight = param(self.search_query(words, false));
                format!(
                    "p.search_vector @@ to_tsquery('english', {query}) \
                     AND to_tsvector('english', p.title) @@ to_tsquery('english', {any_weight})"
                )
            }
            Self::Postgres => format!("p.search_vector @@ to_tsquery('english', {query})"),
        }
    }

    /// The next order number, as an expression for the order's `INSERT`. PostgreSQL takes it
    /// from a sequence, which no transaction holds locked: a counter row would be locked by
    /// every checkout until it commits, and so make all checkouts wait on each other. SQLite
    /// has one writer at a time, so the highest number so far (one probe of the unique index)
    /// plus one is safe there. A checkout that rolls back leaves a gap in the PostgreSQL
    /// sequence; numbers are unique, not contiguous. Both start after 1000.
    fn next_order_number(self) -> &'static str {
        match self {
            Self::Sqlite => "(SELECT COALESCE(MAX(number), 1000) + 1 FROM orders)",
            Self::Postgres => "nextval('order_number_seq')",
        }
    }

    /// Whether one statement can pass a write's `RETURNING` rows on to another write (a
    /// data-modifying `WITH`). PostgreSQL can, which saves a round trip while the first write
    /// holds its row lock; SQLite cannot, and has a single writer, so there is no lock to hurry.
    pub(super) fn chains_writes(self) -> bool {
        self == Self::Postgres
    }

    /// Appended to a `SELECT … LIMIT n` that picks work: PostgreSQL skips rows another
    /// worker has locked. SQLite has one writer at a time, so there is nothing to skip.
    fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// `column`, written so the planner does not reach the rows through an index on it.
    /// SQLite's unary `+` does that; PostgreSQL plans from statistics and needs no hint.
    fn without_index(self, column: &str) -> String {
        match self {
            Self::Sqlite => format!("+{column}"),
            Self::Postgres => column.to_owned(),
        }
    }

    /// The engine's query text for `words` (letters and digits only, so nothing in them is
    /// syntax): every word must match, as a prefix, after stemming. `title_only` restricts the
    /// match to titles (FTS5 column filter; PostgreSQL weight `A`).
    fn search_query(self, words: &[String], title_only: bool) -> String {
        match self {
            Self::Sqlite => {
                let terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                let terms = terms.join(" AND ");
                if title_only { format!("{{title}} : ({terms})") } else { terms }
            }
            Self::Postgres => {
                let weight = if title_only { "A" } else { "" };
                let terms: Vec<String> = words.iter().map(|w| format!("{w}:*{weight}")).collect();
                terms.join(" & ")
            }
        }
    }
}

/// `text` with its numbered placeholders (`$1`, `$2`, `$1`) turned into positional ones (`?`),
/// and the values in the order the `?`s ask for them, a value named twice bound twice. For an
/// engine that only numbers by position (MySQL, issue 20); quoted text is left alone.
#[cfg_attr(not(test), expect(dead_code, reason = "the first positional engine is issue 20"))]
pub(super) fn positional(text: &str, binds: &[Bind]) -> Result<(String, Vec<Bind>), String> {
    let mut out = String::with_capacity(text.len());
    let mut ordered = Vec::with_capacity(binds.len());
    let mut chars = text.char_indices().peekable();
    let mut quoted = false;
    while let Some((_, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        let n: usize = digits.parse().map_err(|_| format!("a `$` without a number in {text:?}"))?;
        let value =
            n.checked_sub(1).and_then(|i| binds.get(i)).ok_or_else(|| format!("${n} is not bound"))?;
        ordered.push(value.clone());
        out.push('?');
    }
    Ok((out, ordered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_positional_in_order_of_use() {
        let binds = [Bind::Int(Some(1)), Bind::Text(Some("b".into())), Bind::Int(None)];
        let (text, ordered) =
            positional("UPDATE t SET a = $2, c = '$1' WHERE id = $1 AND a <> $2 AND n = $3", &binds).unwrap();
        assert_eq!(text, "UPDATE t SET a = ?, c = '$1' WHERE id = ? AND a <> ? AND n = ?");
        assert_eq!(ordered, [binds[1].clone(), binds[0].clone(), binds[1].clone(), binds[2].clone()]);
        assert!(positional("SELECT $4", &binds).is_err());
        assert!(positional("SELECT $", &binds).is_err());
    }

    #[test]
    fn search_queries_per_engine() {
        let words = vec!["blue".to_owned(), "shirt".to_owned()];
        assert_eq!(Engine::Sqlite.search_query(&words, false), "\"blue\"* AND \"shirt\"*");
        assert_eq!(Engine::Sqlite.search_query(&words, true), "{title} : (\"blue\"* AND \"shirt\"*)");
        assert_eq!(Engine::Postgres.search_query(&words, false), "blue:* & shirt:*");
        assert_eq!(Engine::Postgres.search_query(&words, true), "blue:*A & shirt:*A");
    }

    #[test]
    fn sqlite_files_are_created_unless_a_mode_is_named() {
        let url = |u| Engine::Sqlite.connect_url(u);
        assert_eq!(url("sqlite:///srv/shop.db"), "sqlite:///srv/shop.db?mode=rwc");
        assert_eq!(url("sqlite:///srv/shop.db?cache=shared"), "sqlite:///srv/shop.db?cache=shared&mode=rwc");
        assert_eq!(url("sqlite:///srv/shop.db?mode=ro"), "sqlite:///srv/shop.db?mode=ro");
        assert_eq!(url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(Engine::Postgres.connect_url("postgres://h/db"), "postgres://h/db");
    }
}
