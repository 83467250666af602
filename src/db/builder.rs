//! SQL assembled at run time (optional filters, lists of ids) with every value bound as a
//! numbered parameter. Client input never becomes SQL text: only `push` adds text, and its
//! callers pass literals.

use sqlx::{Any, AssertSqlSafe, Executor, FromRow, any::AnyRow};

pub enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&str> for Bind {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

#[derive(Default)]
pub struct SqlBuilder {
    sql: String,
    binds: Vec<Bind>,
}

impl SqlBuilder {
    pub fn new(sql: &'static str) -> Self {
        Self { sql: sql.to_owned(), binds: Vec::new() }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds a value and returns its placeholder (`$3`), for SQL that names it more than once.
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

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub async fn fetch_all<'c, T>(self, db: impl Executor<'c, Database = Any>) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let mut query = sqlx::query_as::<_, T>(AssertSqlSafe(self.sql));
        for bind in self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        query.fetch_all(db).await
    }

    pub async fn execute<'c>(self, db: impl Executor<'c, Database = Any>) -> Result<u64, sqlx::Error> {
        let mut query = sqlx::query(AssertSqlSafe(self.sql));
        for bind in self.binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        Ok(query.execute(db).await?.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_numbered_placeholders() {
        let mut b = SqlBuilder::new("SELECT id FROM t WHERE a = ");
        b.push_bind(7).push(" AND b IN (").push_list(["x", "y"]).push(")");
        let again = b.param("z");
        b.push(" AND (c = ").push(&again).push(" OR d = ").push(&again).push(")");
        assert_eq!(b.sql(), "SELECT id FROM t WHERE a = $1 AND b IN ($2, $3) AND (c = $4 OR d = $4)");
    }
}
