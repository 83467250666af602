//! Handles: the URL-safe names of products and categories.

/// A URL-safe handle: lower-case ASCII letters and digits in dash-separated words.
pub fn parse_handle(value: &str) -> Result<String, String> {
    let valid = !value.is_empty()
        && value.len() <= 100
        && value
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if valid {
        Ok(value.to_owned())
    } else {
        Err("must be lower-case letters and digits separated by single dashes, at most 100 characters".into())
    }
}

/// The handle a title suggests: `"Men's T-Shirts"` → `mens-t-shirts`. Empty when the title has no
/// ASCII letters or digits.
pub fn handle_from(title: &str) -> String {
    let mut handle = String::new();
    for c in title.chars().filter(|c| *c != '\'') {
        if c.is_ascii_alphanumeric() {
            handle.push(c.to_ascii_lowercase());
        } else if !handle.is_empty() && !handle.ends_with('-') {
            handle.push('-');
        }
    }
    handle.truncate(100);
    handle.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_from_titles() {
        assert_eq!(handle_from("Men's T-Shirts"), "mens-t-shirts");
        assert_eq!(handle_from("  Café & Tea  "), "caf-tea");
        assert_eq!(handle_from("日本"), "");
    }

    #[test]
    fn handle_rules() {
        assert!(parse_handle("summer-sale-2026").is_ok());
        for bad in ["", "Caps", "two--dashes", "-lead", "trail-", "sp ace", &"a".repeat(101)] {
            assert!(parse_handle(bad).is_err(), "{bad}");
        }
    }
}
