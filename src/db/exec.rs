//! Where a statement runs: the pool ([`Db`](super::Db)), one pooled connection ([`Conn`]) or a
//! write transaction ([`Tx`]). Each knows its engine, which is how a [`Sql`](super::Sql)
//! renders itself without any caller naming an engine.
//!
//! A store function takes `db: impl Exec` for one statement, or `mut db: impl Exec` and passes
//! `&mut db` to run several on the same connection. Callers pass `&state.db`, `&mut tx` or
//! `&mut conn`.

use sqlx::{Any, AnyConnection, AnyPool, Error, pool::PoolConnection};

use super::dialect::Engine;

/// Where a statement may run; see the module documentation. Sealed: only `db` makes them.
pub trait Exec: Send {
    #[doc(hidden)]
    fn engine(&self) -> Engine;
    #[doc(hidden)]
    fn raw(&mut self) -> Raw<'_>;
}

#[doc(hidden)]
pub enum Raw<'a> {
    Pool(&'a AnyPool),
    Conn(&'a mut AnyConnection),
}

impl<E: Exec + ?Sized> Exec for &mut E {
    fn engine(&self) -> Engine {
        (**self).engine()
    }

    fn raw(&mut self) -> Raw<'_> {
        (**self).raw()
    }
}

/// One connection from the pool, for reads that belong together.
pub struct Conn {
    pub(super) inner: PoolConnection<Any>,
    pub(super) engine: Engine,
}

impl Exec for Conn {
    fn engine(&self) -> Engine {
        self.engine
    }

    fn raw(&mut self) -> Raw<'_> {
        Raw::Conn(&mut self.inner)
    }
}

/// A write transaction. On SQLite it also holds this process's write lane (see
/// [`Db::begin`](super::Db::begin)). Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(super) inner: sqlx::Transaction<'static, Any>,
    pub(super) engine: Engine,
    pub(super) _lane: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), Error> {
        self.inner.commit().await
    }

    pub async fn rollback(self) -> Result<(), Error> {
        self.inner.rollback().await
    }
}

impl Exec for Tx {
    fn engine(&self) -> Engine {
        self.engine
    }

    fn raw(&mut self) -> Raw<'_> {
        Raw::Conn(&mut self.inner)
    }
}
