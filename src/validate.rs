//! Collecting every invalid field of a request at once, so a client fixes them in one round.

use crate::error::{ApiError, FieldError};

#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the parsed value, or records why `field` is invalid.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError { field: field.to_owned(), message });
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::validation(self.errors)) }
    }
}

/// Trims and checks the length in characters (not bytes).
pub fn text(value: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        Err(if min == 1 { "must not be empty".into() } else { format!("must be at least {min} characters") })
    } else if chars > max {
        Err(format!("must be at most {max} characters"))
    } else if trimmed.chars().any(char::is_control) {
        Err("must not contain control characters".into())
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Like [`text`], but keeps line breaks and tabs: for descriptions.
pub fn long_text(value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Err("must not contain control characters other than line breaks and tabs".into())
    } else {
        Ok(trimmed.to_owned())
    }
}

/// At most `max` items: a request can never make a response unbounded.
pub fn at_most<T>(items: &[T], max: usize) -> Result<(), String> {
    if items.len() > max { Err(format!("must have at most {max} items")) } else { Ok(()) }
}
