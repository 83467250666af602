//! How a [`Sql`] runs: a named operation becomes its engine's statements here (one where the
//! engine can, a write and a read back where it cannot), each run in a `sql` tracing span; the
//! only place Oxcart hands SQL to sqlx.

use std::{borrow::Cow, time::Instant};

use sqlx::{Any, Error, FromRow, Row, any::AnyRow};
use tracing::Instrument;

use super::{
    dialect::Engine,
    exec::{Exec, Raw},
    ops::{GuardedUpdate, Shape},
    parts::Bind,
    statement::Sql,
};

impl Sql {
    /// Runs the statement; how many rows it changed.
    pub async fn execute(self, db: impl Exec) -> Result<u64, Error> {
        let name = self.name;
        traced(name, execute(self, db)).await
    }

    pub async fn fetch_all<T>(self, db: impl Exec) -> Result<Vec<T>, Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let name = self.name;
        traced(name, async move {
            let rows = fetch(self, db).await?;
            rows.iter().map(T::from_row).collect()
        })
        .await
    }

    pub async fn fetch_optional<T>(self, db: impl Exec) -> Result<Option<T>, Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let name = self.name;
        traced(name, async move {
            let rows = fetch(self, db).await?;
            rows.first().map(T::from_row).transpose()
        })
        .await
    }

    pub async fn fetch_one<T>(self, db: impl Exec) -> Result<T, Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        self.fetch_optional(db).await?.ok_or(Error::RowNotFound)
    }

    /// Whether the statement returns any row.
    pub async fn exists(self, db: impl Exec) -> Result<bool, Error> {
        let name = self.name;
        traced(name, async move { Ok(!fetch(self, db).await?.is_empty()) }).await
    }

    /// The first column of the one row.
    pub async fn scalar_one<T>(self, db: impl Exec) -> Result<T, Error>
    where
        (T,): for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        Ok(self.fetch_one::<(T,)>(db).await?.0)
    }

    pub async fn scalar_optional<T>(self, db: impl Exec) -> Result<Option<T>, Error>
    where
        (T,): for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        Ok(self.fetch_optional::<(T,)>(db).await?.map(|(v,)| v))
    }

    pub async fn scalar_all<T>(self, db: impl Exec) -> Result<Vec<T>, Error>
    where
        (T,): for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        Ok(self.fetch_all::<(T,)>(db).await?.into_iter().map(|(v,)| v).collect())
    }
}

fn prepare(sql: Sql, engine: Engine) -> Sql {
    match engine.single_statement(sql.shape) {
        Some(text) => Sql::text(sql.name, text, sql.binds),
        None => sql,
    }
}

async fn execute(sql: Sql, mut db: impl Exec) -> Result<u64, Error> {
    if let Shape::Chain(update, into, select) = sql.shape {
        return chain(sql, update, into, select, db).await;
    }
    let engine = db.engine();
    let (text, binds) = prepare(sql, engine).render(engine)?;
    run_execute(db.raw(), text, binds).await
}

async fn fetch(sql: Sql, mut db: impl Exec) -> Result<Vec<AnyRow>, Error> {
    let engine = db.engine();
    if let Some(read_back) = engine.read_back(sql.shape)? {
        let read = Sql::text(sql.name, read_back, sql.binds.clone());
        return write_then_read(prepare(sql, engine), read, engine, db.raw()).await;
    }
    let (text, binds) = prepare(sql, engine).render(engine)?;
    run_fetch(db.raw(), text, binds).await
}

/// A write that returns its row, where the engine has no `RETURNING` (see
/// `Engine::read_back`): the write, then, if it changed a row, `read` of that row. Both run in
/// one transaction: the caller's, or one of their own when called on the pool.
async fn write_then_read(write: Sql, read: Sql, engine: Engine, raw: Raw<'_>) -> Result<Vec<AnyRow>, Error> {
    let (write, write_binds) = write.render(engine)?;
    let (read, read_binds) = read.render(engine)?;
    let both = async |conn: &mut sqlx::AnyConnection| {
        if run_execute(Raw::Conn(conn), write, write_binds).await? == 0 {
            return Ok(Vec::new());
        }
        run_fetch(Raw::Conn(conn), read, read_binds).await
    };
    match raw {
        Raw::Conn(conn) => both(conn).await,
        Raw::Pool(pool) => {
            let mut tx = pool.begin().await?;
            let rows = both(&mut tx).await?;
            tx.commit().await?;
            Ok(rows)
        }
    }
}

/// Where the engine passes one write's `RETURNING` rows on to another write, the chain is one
/// statement, which saves a round trip while the update holds its row lock. Elsewhere the
/// update runs as the guarded update it is (so however the engine writes that, it writes it
/// here too) and the insert reads its row back from bound values, on the same connection (the
/// caller's transaction).
async fn chain(
    sql: Sql,
    update: GuardedUpdate,
    into: &'static str,
    select: &'static str,
    mut db: impl Exec,
) -> Result<u64, Error> {
    let engine = db.engine();
    if engine.chains_writes() {
        let changed = update.returning_text();
        let text = format!("WITH changed AS ({changed}) INSERT INTO {into} SELECT {select} FROM changed");
        let (text, binds) = Sql::text(sql.name, text, sql.binds).render(engine)?;
        return run_execute(db.raw(), text, binds).await;
    }
    let changed = Sql { binds: sql.binds.clone(), ..update.sql() };
    let rows = fetch(changed, &mut db).await?;
    let Some(row) = rows.first() else {
        return Ok(0);
    };
    let mut insert = Sql::text(sql.name, String::new(), sql.binds);
    let mut columns = Vec::new();
    for (i, column) in update.returning.split(',').map(str::trim).enumerate() {
        let placeholder = insert.param(returned_value(row, i)?);
        columns.push(format!("{placeholder} AS {column}"));
    }
    insert
        .push(&format!("INSERT INTO {into} SELECT {select} FROM (SELECT {}) AS changed", columns.join(", ")));
    let (text, binds) = insert.render(engine)?;
    run_execute(db.raw(), text, binds).await
}

/// Column `i` of a returned row, as a value to bind again.
fn returned_value(row: &AnyRow, i: usize) -> Result<Bind, Error> {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return Ok(Bind::Int(v));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return Ok(Bind::Text(v));
    }
    Ok(Bind::Bytes(row.try_get::<Option<Vec<u8>>, _>(i)?))
}

/// Runs `work` inside the statement's span and records how long it took.
async fn traced<T>(name: &'static str, work: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let span = tracing::debug_span!("sql", statement = name, elapsed_us = tracing::field::Empty);
    let started = Instant::now();
    let result = work.instrument(span.clone()).await;
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    span.record("elapsed_us", elapsed_us);
    // A log line for people: the fmt subscriber prints events (with their span), not spans.
    span.in_scope(|| tracing::debug!(ok = result.is_ok(), "statement"));
    result
}

/// One rendered statement on one connection: the only place Oxcart hands SQL to sqlx.
async fn run_execute(raw: Raw<'_>, text: Cow<'static, str>, binds: Vec<Bind>) -> Result<u64, Error> {
    let query = with_binds(sqlx::query(sqlx::AssertSqlSafe(text)), binds);
    let done = match raw {
        Raw::Pool(pool) => query.execute(pool).await?,
        Raw::Conn(conn) => query.execute(conn).await?,
    };
    Ok(done.rows_affected())
}

async fn run_fetch(raw: Raw<'_>, text: Cow<'static, str>, binds: Vec<Bind>) -> Result<Vec<AnyRow>, Error> {
    let query = with_binds(sqlx::query(sqlx::AssertSqlSafe(text)), binds);
    match raw {
        Raw::Pool(pool) => query.fetch_all(pool).await,
        Raw::Conn(conn) => query.fetch_all(conn).await,
    }
}

fn with_binds(
    mut query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
    for bind in binds {
        query = match bind {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
            Bind::Bytes(v) => query.bind(v),
            Bind::Bool(v) => query.bind(v),
        };
    }
    query
}
