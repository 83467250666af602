//! The audit log (issue 23): every write a member of staff makes over the admin API, who made
//! it, when, to which object, what they sent, and the object before and after. The HTTP edge
//! (`http::audit`) opens an entry before the write runs and closes it with the answer; this
//! module decides what an entry keeps: the object a route is about, and JSON with its secrets
//! taken out and its size bounded.

use serde_json::Value;

pub use super::audit_store::{Closing, EntryRow, Filter, Opening, close, list, open};

/// The most JSON an entry keeps of one body; a larger one is noted by its size only.
pub const MAX_KEPT_BYTES: usize = 16 * 1024;

/// What a route's write is about: the object's type (singular, `product`), its id when the
/// route names one, and the path that reads it (`/v1/admin/orders/ord_1` for
/// `/v1/admin/orders/ord_1/cancel`). The object is the one the route's last parameter names,
/// and its type is the word before it; a route without one (`POST /v1/admin/products`) is
/// about the collection named last, and the object it made is found in its answer.
#[derive(Debug, PartialEq, Eq)]
pub struct Subject {
    pub object_type: String,
    pub object_id: Option<String>,
    pub object_path: Option<String>,
}

pub fn subject(route: &str, path: &str) -> Option<Subject> {
    let route: Vec<&str> = route.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    if route.len() != path.len() {
        return None;
    }
    let is_param = |s: &&str| s.starts_with('{') && s.ends_with('}');
    match route.iter().rposition(is_param) {
        Some(at) if at > 0 && !is_param(&route[at - 1]) => Some(Subject {
            object_type: singular(route[at - 1]),
            object_id: Some(path[at].to_owned()),
            object_path: Some(path[..=at].join("/")),
        }),
        Some(_) => None,
        None => Some(Subject { object_type: singular(route.last()?), object_id: None, object_path: None }),
    }
}

/// `categories` → `category`, `tax-classes` → `tax_class`, `shipping-options` →
/// `shipping_option`; a word that is not a plural (`staff`, `inventory`) stays as it is.
fn singular(word: &str) -> String {
    let one = if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = word.strip_suffix('s').filter(|s| !s.ends_with('s')) {
        stem.to_owned()
    } else {
        word.to_owned()
    };
    one.replace('-', "_")
}

/// A body as an entry keeps it: JSON only, every secret (a key naming a password, secret or
/// token) replaced by `"[redacted]"`, and no more than [`MAX_KEPT_BYTES`] of it (else just
/// `{"truncated": true, "bytes": n}`). `None` for a body that is empty or not JSON.
pub fn kept_json(body: &[u8]) -> Option<String> {
    serde_json::from_slice(body).ok().map(keep)
}

/// An object's id as an entry keeps it: a client can put anything in a route's `{id}`, and the
/// entry is written before the route refuses it; no id the store makes is longer than this.
pub fn kept_id(id: &str) -> &str {
    const MAX_ID_CHARS: usize = 64;
    id.char_indices().nth(MAX_ID_CHARS).map_or(id, |(at, _)| &id[..at])
}

/// What an entry keeps of a body that is not JSON (an uploaded picture): its declared type
/// and length, never its bytes.
pub fn described(content_type: Option<&str>, content_length: Option<u64>) -> String {
    serde_json::json!({"content_type": content_type, "content_length": content_length}).to_string()
}

fn keep(mut value: Value) -> String {
    redact(&mut value);
    let text = value.to_string();
    if text.len() <= MAX_KEPT_BYTES {
        text
    } else {
        serde_json::json!({"truncated": true, "bytes": text.len()}).to_string()
    }
}

/// What an entry keeps of a write's answer, read once: the object as it became (a success),
/// the problem's `code` (a refusal), and the `id` of the object the answer shows, for a write
/// whose route named none (a create).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub after: Option<String>,
    pub error_code: Option<String>,
    pub shown_id: Option<String>,
}

pub fn answer(body: &[u8], succeeded: bool) -> Answer {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Answer::default();
    };
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    if succeeded {
        Answer { shown_id: text("id"), after: Some(keep(value)), error_code: None }
    } else {
        Answer { error_code: text("code"), ..Answer::default() }
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let key = key.to_ascii_lowercase();
                if ["password", "secret", "token"].iter().any(|s| key.contains(s)) {
                    *v = Value::String("[redacted]".into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_is_the_one_the_last_parameter_names() {
        let s = subject("/v1/admin/orders/{id}/cancel", "/v1/admin/orders/ord_1/cancel");
        assert_eq!(
            s,
            Some(Subject {
                object_type: "order".into(),
                object_id: Some("ord_1".into()),
                object_path: Some("/v1/admin/orders/ord_1".into()),
            })
        );
        let s = subject("/v1/admin/shipping-options/{id}", "/v1/admin/shipping-options/so_1");
        assert_eq!(s.map(|s| s.object_type), Some("shipping_option".into()));
        let s =
            subject("/v1/admin/inventory/{variant_id}/adjustments", "/v1/admin/inventory/var_1/adjustments");
        assert_eq!(s.map(|s| (s.object_type, s.object_id)), Some(("inventory".into(), Some("var_1".into()))));
        let s = subject("/v1/admin/products", "/v1/admin/products");
        assert_eq!(s.map(|s| (s.object_type, s.object_id)), Some(("product".into(), None)));
    }

    #[test]
    fn plurals_become_singular() {
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("tax-classes"), "tax_class");
        assert_eq!(singular("staff"), "staff");
        assert_eq!(singular("promotions"), "promotion");
        assert_eq!(singular("inventory"), "inventory");
    }

    #[test]
    fn secrets_are_not_kept() {
        let kept = kept_json(br#"{"email":"a@b.c","new_password":"hunter22","nested":[{"api_token":"t"}]}"#);
        let kept = kept.unwrap_or_default();
        assert!(!kept.contains("hunter22") && !kept.contains("\"t\""), "{kept}");
        assert!(kept.contains("a@b.c"));
        assert_eq!(kept_json(b"not json"), None);
        assert_eq!(kept_json(b""), None);
    }

    #[test]
    fn an_answer_is_read_once_for_what_the_entry_keeps() {
        let big = format!("{{\"id\":\"prod_1\",\"text\":\"{}\"}}", "x".repeat(MAX_KEPT_BYTES));
        let made = answer(big.as_bytes(), true);
        assert_eq!(made.shown_id.as_deref(), Some("prod_1"), "the id even when the body is too big to keep");
        assert!(made.after.is_some_and(|a| a.contains("truncated")));
        let refused = answer(br#"{"code":"forbidden","detail":"no"}"#, false);
        assert_eq!(refused, Answer { error_code: Some("forbidden".into()), ..Answer::default() });
        assert_eq!(answer(b"", true), Answer::default());
    }

    #[test]
    fn a_large_body_is_kept_by_its_size() {
        let big = format!("{{\"text\":\"{}\"}}", "x".repeat(MAX_KEPT_BYTES));
        let kept = kept_json(big.as_bytes()).unwrap_or_default();
        assert!(kept.contains("truncated") && kept.len() < 100, "{kept}");
    }
}
