//! How a configuration problem is reported.

/// Why the configuration cannot be used, as one readable line.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// An error's text on one line: parsers' messages span several.
pub fn one_line(e: &impl std::fmt::Display) -> String {
    e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}
