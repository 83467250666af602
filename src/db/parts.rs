//! The pieces a statement is made of: bound values, and text that is either written out or
//! left for the engine to render.

use std::borrow::Cow;

/// A bound value. Typed even when null: PostgreSQL wants to know what a `NULL` is. Its `Debug`
/// shows the type, never the value: values include password hashes, token digests and emails.
#[derive(Clone, PartialEq)]
pub enum Bind {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Bool(Option<bool>),
}

impl std::fmt::Debug for Bind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, null) = match self {
            Self::Int(v) => ("Int", v.is_none()),
            Self::Text(v) => ("Text", v.is_none()),
            Self::Bytes(v) => ("Bytes", v.is_none()),
            Self::Bool(v) => ("Bool", v.is_none()),
        };
        write!(f, "{kind}({})", if null { "NULL" } else { "…" })
    }
}

macro_rules! binds {
    ($($from:ty => |$v:ident| $to:expr),* $(,)?) => {
        $(impl From<$from> for Bind {
            fn from($v: $from) -> Self {
                $to
            }
        })*
    };
}

binds! {
    i64 => |v| Bind::Int(Some(v)),
    Option<i64> => |v| Bind::Int(v),
    bool => |v| Bind::Bool(Some(v)),
    String => |v| Bind::Text(Some(v)),
    &String => |v| Bind::Text(Some(v.clone())),
    &str => |v| Bind::Text(Some(v.to_owned())),
    Option<String> => |v| Bind::Text(v),
    &Option<String> => |v| Bind::Text(v.clone()),
    Option<&str> => |v| Bind::Text(v.map(str::to_owned)),
    Vec<u8> => |v| Bind::Bytes(Some(v)),
    &[u8] => |v| Bind::Bytes(Some(v.to_vec())),
    Option<Vec<u8>> => |v| Bind::Bytes(v),
}

/// A piece of a statement's text.
#[derive(Clone, Debug)]
pub enum Piece {
    Text(Cow<'static, str>),
    /// Rendered by the engine when the statement runs.
    Fragment(Fragment),
}

/// How a `SELECT` locks the rows it reads, until the transaction ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowLock {
    /// As a write to them would: other writes and locks wait (on PostgreSQL, but for a foreign
    /// key's check that they still exist, which a write that leaves the key alone lets through).
    Write,
}

/// A piece of SQL whose text (and bound values) the engine decides; see the `Sql` method of
/// the same name.
#[derive(Clone, Debug)]
pub enum Fragment {
    SkipLocked,
    Locked(RowLock),
    WithoutIndex(&'static str),
    ThroughIndex(&'static str),
    ProductMatches { words: Vec<String>, title_only: bool, within: Option<&'static str> },
    NextOrderNumber,
    JsonRows { columns: &'static str, order_by: &'static str },
}
