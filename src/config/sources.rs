//! Where settings come from: the environment (`OXCART_LISTEN`), else `oxcart.toml` under the
//! same name in lower case without the prefix (`listen = …`). Every setting reads through
//! [`Sources::get`], so the file takes every setting the environment does, and a file key no
//! setting asked for is reported (a typo should not be silently ignored).

use std::{cell::RefCell, collections::BTreeSet};

use super::{
    error::{ConfigError, one_line},
    settings::RateLimits,
};

pub struct Sources<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: toml::Table,
    read: RefCell<BTreeSet<String>>,
    /// The settings (`OXCART_…`) whose value came from the file, for error messages.
    from_file: RefCell<BTreeSet<String>>,
}

impl<'a> Sources<'a> {
    pub fn new(file: &str, env: &'a dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file: toml::Table = toml::from_str(file).map_err(|e| ConfigError(one_line(&e)))?;
        Ok(Self { env, file, read: RefCell::new(BTreeSet::new()), from_file: RefCell::new(BTreeSet::new()) })
    }

    /// `OXCART_X` from the environment, else `x` from the file, as text (a list is joined with
    /// commas, a number or a boolean written as TOML writes it).
    pub fn get(&self, key: &str) -> Option<String> {
        let name = key.strip_prefix("OXCART_").unwrap_or(key).to_ascii_lowercase();
        self.read.borrow_mut().insert(name.clone());
        (self.env)(key).or_else(|| {
            let value = self.file.get(&name).map(text)?;
            self.from_file.borrow_mut().insert(key.to_owned());
            Some(value)
        })
    }

    /// `OXCART_X` from the environment only: for what a file must never set.
    pub fn env_only(&self, key: &str) -> Option<String> {
        (self.env)(key)
    }

    /// `error`, saying where in the file a setting it names was set.
    pub fn locate(&self, error: ConfigError, file: &str) -> ConfigError {
        let from_file = self.from_file.borrow();
        match from_file.iter().find(|key| error.0.contains(key.as_str())) {
            Some(key) => {
                let name = key.strip_prefix("OXCART_").unwrap_or(key).to_ascii_lowercase();
                ConfigError(format!("{} (set as `{name}` in {file})", error.0))
            }
            None => error,
        }
    }

    /// The `[rate_limits]` table (file only); its own keys are checked by its type.
    pub fn rate_limits(&self) -> Result<RateLimits, ConfigError> {
        self.read.borrow_mut().insert("rate_limits".into());
        match self.file.get("rate_limits") {
            Some(table) => table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError(format!("[rate_limits]: {}", one_line(&e)))),
            None => Ok(RateLimits::default()),
        }
    }

    /// An error naming the file keys that no setting read.
    pub fn refuse_unread(&self) -> Result<(), ConfigError> {
        let read = self.read.borrow();
        let unknown: Vec<&str> =
            self.file.keys().filter(|k| !read.contains(*k)).map(String::as_str).collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(format!("unknown key `{}` (see README, Configuration)", unknown.join("`, `"))))
        }
    }
}

fn text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        // A table where a value belongs is no value any setting parses: refused by its parser.
        toml::Value::Table(_) => "[table]".to_owned(),
    }
}
