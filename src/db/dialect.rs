//! Everything that differs between the engines. Keep this file small: if a query needs a
//! variant here, it gets one function, and the shared test suite runs it on both engines.

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
            ],
            Self::Postgres => &[],
        }
    }

    pub(super) fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }
}
