//! Everything that differs between the engines. Keep this file small: if a query needs a
//! variant here, it gets one function, and the shared test suite runs it on both engines.

use std::borrow::Cow;

use super::parts::{Bind, Fragment, Piece, RowLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
    /// MySQL 8 and MariaDB 10.6 or later (the `mysql://` or `mariadb://` URL).
    Mysql,
}

impl Engine {
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Ok(Self::Mysql)
        } else {
            Err("the database URL must start with sqlite:, postgres:// or mysql:// (mariadb://)".into())
        }
    }

    /// The URL to connect with. A SQLite file is created when it does not exist yet (`mode=rwc`)
    /// unless the URL names a mode of its own (`mode=ro` to refuse writes, `mode=rw` to require
    /// the file): an operator pointing Oxcart at a new path expects a new database there.
    /// `mariadb://` is an alias of `mysql://`, which is the scheme the driver knows.
    pub fn connect_url(self, url: &str) -> String {
        if let Some(rest) = url.strip_prefix("mariadb://") {
            return format!("mysql://{rest}");
        }
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
    /// MySQL's error numbers `1213` (deadlock: InnoDB rolled the transaction back) and `1205`
    /// (lock wait timeout: only the statement was undone, and the caller drops the rest).
    /// The codes of the engines do not overlap, so no engine is needed to read them.
    pub fn is_transient_code(code: &str) -> bool {
        matches!(code, "40P01" | "40001" | "5" | "261" | "517" | "773" | "6" | "1213" | "1205")
    }

    /// The code [`Engine::is_transient_code`] reads: MySQL's error number (its SQLSTATE is
    /// `HY000` for many unrelated errors), every other engine's own code.
    pub fn error_code(err: &dyn sqlx::error::DatabaseError) -> Option<Cow<'_, str>> {
        match err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
            Some(mysql) => Some(Cow::Owned(mysql.number().to_string())),
            None => err.code(),
        }
    }

    /// Refuses a server too old for what Oxcart relies on: on MySQL's side `SKIP LOCKED`,
    /// `WITH RECURSIVE` and CHECK constraints (MySQL 8.0, MariaDB 10.6), given the server's
    /// `SELECT VERSION()` (`10.11.19-MariaDB-0+deb12u1`, `8.0.36`). Other engines pass.
    pub fn check_server_version(self, version: &str) -> Result<(), String> {
        if self != Self::Mysql {
            return Ok(());
        }
        let number: Vec<u32> =
            version.split(['.', '-']).take(2).map(|part| part.parse().unwrap_or(0)).collect();
        let (major, minor) = (number.first().copied().unwrap_or(0), number.get(1).copied().unwrap_or(0));
        let (name, needed) =
            if version.contains("MariaDB") { ("MariaDB", (10, 6)) } else { ("MySQL", (8, 0)) };
        if (major, minor) >= needed {
            Ok(())
        } else {
            Err(format!(
                "the server is {name} {version}; Oxcart needs MariaDB 10.6 or later, or MySQL 8.0 or later"
            ))
        }
    }

    /// Appended to "cannot open the database": what an operator most likely has to fix.
    pub fn open_failure_hint(self) -> &'static str {
        match self {
            Self::Sqlite => {
                " (the file is created when missing: does its directory exist, and may Oxcart write there?)"
            }
            Self::Postgres | Self::Mysql => "",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
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
            Self::Mysql => &[
                // Strict (a value that does not fit is an error, never silently cut), standard
                // double quotes for identifiers and `||` for concatenation, as on the others.
                "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ANSI_QUOTES,PIPES_AS_CONCAT,\
                 NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
                // As on PostgreSQL: each statement sees what committed before it began. InnoDB's
                // default (REPEATABLE READ) reads a snapshot taken at the transaction's first
                // read, and takes gap locks that deadlock concurrent inserts.
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                // A row lock held this long means something is stuck; the transaction is run
                // again (`retry_transient`) rather than waiting the default 50 s.
                "SET SESSION innodb_lock_wait_timeout = 10",
                // `json_rows` concatenates (see `Engine::fragment`); MySQL's default cut is 1 KB.
                // MariaDB only (`/*M!…*/` is a comment to MySQL): keep an `EXISTS` a probe per
                // row. Turned into a semi-join, a category filter joined every product of the
                // category and sorted them all to find a page: 167 ms at 100k products against
                // 5.5 ms walking the newest index and probing, as PostgreSQL and SQLite do.
                "SET SESSION /*M!100000 optimizer_switch = 'exists_to_in=off', */ group_concat_max_len = 16777216",
            ],
        }
    }

    /// Refreshes the planner's statistics after a bulk load, so it knows, for instance, that a
    /// variant's stock is one index probe away rather than a table scan.
    pub(super) fn refresh_statistics(self) -> &'static str {
        match self {
            Self::Sqlite => "PRAGMA optimize",
            Self::Postgres => "ANALYZE",
            Self::Mysql => {
                "ANALYZE TABLE products, variants, inventory_levels, product_categories, categories"
            }
        }
    }

    pub(super) fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres | Self::Mysql => "BEGIN",
        }
    }

    /// The statement's text and values as this engine runs them: the pieces joined, each
    /// fragment rendered, its values bound after those of the statement.
    pub(super) fn render(
        self,
        mut pieces: Vec<Piece>,
        mut binds: Vec<Bind>,
    ) -> Result<(Cow<'static, str>, Vec<Bind>), sqlx::Error> {
        let text = if let [Piece::Text(text)] = pieces.as_mut_slice() {
            std::mem::take(text)
        } else {
            let mut text = String::new();
            for piece in pieces {
                match piece {
                    Piece::Text(t) => text.push_str(&t),
                    Piece::Fragment(f) => text.push_str(&self.fragment(&f, &mut binds)),
                }
            }
            Cow::Owned(text)
        };
        if self != Self::Mysql {
            return Ok((text, binds));
        }
        // MySQL casts to `SIGNED`, not to `BIGINT` (the same 64-bit integer), and numbers its
        // parameters by position only.
        let text = text.replace(" AS BIGINT)", " AS SIGNED)");
        let (text, binds) = positional(&text, &binds).map_err(sqlx::Error::Protocol)?;
        Ok((Cow::Owned(text), binds))
    }

    fn fragment(self, fragment: &Fragment, binds: &mut Vec<Bind>) -> String {
        match fragment {
            Fragment::SkipLocked => self.skip_locked().to_owned(),
            Fragment::Locked(lock) => self.locked(*lock).to_owned(),
            Fragment::WithoutIndex(column) => self.without_index(column),
            // MariaDB's planner prices a range over an index's leading columns like a seek by
            // the first alone when nearly every row is in the range, whatever the LIMIT, and
            // may take the seek: a deep page then reads from the index's start.
            Fragment::ThroughIndex(index) => match self {
                Self::Mysql => format!(" FORCE INDEX ({index})"),
                Self::Sqlite | Self::Postgres => String::new(),
            },
            Fragment::NextOrderNumber => self.next_order_number().to_owned(),
            Fragment::JsonRows { columns, order_by } => match self {
                Self::Sqlite => format!("json_group_array(json_array({columns}) ORDER BY {order_by})"),
                Self::Postgres => format!(
                    "CAST(COALESCE(json_agg(json_build_array({columns}) ORDER BY {order_by}), '[]') AS TEXT)"
                ),
                // MySQL's JSON_ARRAYAGG takes no ORDER BY (MariaDB's does); GROUP_CONCAT does on both.
                Self::Mysql => format!(
                    "COALESCE('[' || GROUP_CONCAT(JSON_ARRAY({columns}) ORDER BY {order_by} SEPARATOR ',') || ']', '[]')"
                ),
            },
            Fragment::ProductMatches { words, title_only, within } => {
                self.product_matches(binds, words, *title_only, *within)
            }
        }
    }

    /// The next order number, as an expression for the order's `INSERT`. PostgreSQL takes it
    /// from a sequence, which no transaction holds locked: a counter row would be locked by
    /// every checkout until it commits, and so make all checkouts wait on each other. SQLite
    /// has one writer at a time, so the highest number so far (one probe of the unique index)
    /// plus one is safe there. A checkout that rolls back leaves a gap in the PostgreSQL
    /// sequence; numbers are unique, not contiguous. Both start after 1000.
    ///
    /// MySQL has no sequences (MariaDB's are its own): `orders.number` is `AUTO_INCREMENT`
    /// there, and a `NULL` asks for the next value, which InnoDB hands out without holding a
    /// lock until commit.
    fn next_order_number(self) -> &'static str {
        match self {
            Self::Sqlite => "(SELECT COALESCE(MAX(number), 1000) + 1 FROM orders)",
            Self::Postgres => "nextval('order_number_seq')",
            Self::Mysql => "NULL",
        }
    }

    /// Appended to a `SELECT … LIMIT n` that picks work: PostgreSQL skips rows another
    /// worker has locked. SQLite has one writer at a time, so there is nothing to skip.
    fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres | Self::Mysql => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// Appended to a `SELECT` whose rows stay locked until the transaction ends. SQLite has one
    /// writer at a time, and a write transaction (`BEGIN IMMEDIATE`) already excludes the others.
    fn locked(self, lock: RowLock) -> &'static str {
        match (self, lock) {
            (Self::Sqlite, _) => "",
            (Self::Postgres, RowLock::Write) => " FOR NO KEY UPDATE",
            (Self::Mysql, RowLock::Write) => " FOR UPDATE",
        }
    }

    /// `column`, written so the planner does not reach the rows through an index on it.
    /// SQLite's unary `+` does that; PostgreSQL and MySQL plan from statistics.
    fn without_index(self, column: &str) -> String {
        match self {
            Self::Sqlite => format!("+{column}"),
            Self::Postgres | Self::Mysql => column.to_owned(),
        }
    }
}

/// `text` with its numbered placeholders (`$1`, `$2`, `$1`) turned into positional ones (`?`),
/// and the values in the order the `?`s ask for them, a value named twice bound twice. For an
/// engine that only numbers by position (MySQL, issue 20); quoted text is left alone.
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
    fn mysql_servers_too_old_are_named() {
        let check = |v| Engine::Mysql.check_server_version(v);
        assert!(check("10.11.19-MariaDB-0+deb12u1").is_ok());
        assert!(check("10.6.0-MariaDB").is_ok());
        assert!(check("8.0.36").is_ok());
        assert!(check("8.4.2").is_ok());
        let old = check("10.5.9-MariaDB-log").unwrap_err();
        assert!(old.contains("MariaDB 10.5.9") && old.contains("10.6"), "{old}");
        assert!(check("5.7.44").unwrap_err().contains("MySQL 5.7.44"));
        assert!(Engine::Postgres.check_server_version("9.6").is_ok());
    }

    #[test]
    fn sqlite_files_are_created_unless_a_mode_is_named() {
        let url = |u| Engine::Sqlite.connect_url(u);
        assert_eq!(url("sqlite:///srv/shop.db"), "sqlite:///srv/shop.db?mode=rwc");
        assert_eq!(url("sqlite:///srv/shop.db?cache=shared"), "sqlite:///srv/shop.db?cache=shared&mode=rwc");
        assert_eq!(url("sqlite:///srv/shop.db?mode=ro"), "sqlite:///srv/shop.db?mode=ro");
        assert_eq!(url("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(Engine::Postgres.connect_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(Engine::Mysql.connect_url("mariadb://root@h:3306/db"), "mysql://root@h:3306/db");
    }
}
