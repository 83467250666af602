//! Staff notes on an order (`order_notes`, this module's own): what one member of staff wants
//! the others to know about an order. Each keeps its author as they were when they wrote it.
//! Notes are for staff only: no customer-facing view shows them.

use crate::{
    accounts::Customer,
    db::{self, Db, Exec, FromRow, sql},
    error::ApiError,
    ids,
    page::PageRequest,
    time,
};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

#[derive(Debug, Clone, FromRow)]
pub struct Note {
    pub id: String,
    pub order_id: String,
    pub author_id: String,
    pub author_email: String,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// A note's text: trimmed, 1 to [`MAX_NOTE_CHARS`] characters, lines and tabs allowed but no
/// other control characters.
pub fn note_body(text: &str) -> Result<String, ApiError> {
    let trimmed = text.trim();
    let chars = trimmed.chars().count();
    let problem = if chars == 0 {
        "must not be empty".to_owned()
    } else if chars > MAX_NOTE_CHARS {
        format!("must be at most {MAX_NOTE_CHARS} characters")
    } else if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        "must not contain control characters other than line breaks and tabs".to_owned()
    } else {
        return Ok(trimmed.to_owned());
    };
    Err(ApiError::field("body", problem))
}

/// Adds `author`'s note to the order `order_id`; `404` when there is no such order.
pub async fn add(db: &Db, order_id: &str, author: &Customer, text: &str) -> Result<Note, ApiError> {
    let body = note_body(text)?;
    let note = Note {
        id: ids::new_id("note"),
        order_id: order_id.to_owned(),
        author_id: author.id.clone(),
        author_email: author.email.clone(),
        author_name: author.name.clone(),
        body,
        created_at: time::now_ms(),
    };
    // One statement: the note is written only if the order exists.
    let written = sql(
        "orders.add_note",
        "INSERT INTO order_notes (id, order_id, author_id, author_email, author_name, body, created_at)
         SELECT $1, id, $2, $3, $4, $5, $6 FROM orders WHERE id = $7",
    )
    .bind(note.id.as_str())
    .bind(note.author_id.as_str())
    .bind(note.author_email.as_str())
    .bind(note.author_name.as_str())
    .bind(note.body.as_str())
    .bind(note.created_at)
    .bind(order_id)
    .execute(db)
    .await?;
    if written == 0 {
        return Err(ApiError::not_found());
    }
    Ok(note)
}

/// The order's notes, newest first, a page at a time; `404` when there is no such order.
pub async fn list(db: &Db, order_id: &str, page: &PageRequest) -> Result<Vec<Note>, ApiError> {
    let mut conn = db.acquire().await?;
    if !order_exists(&mut conn, order_id).await? {
        return Err(ApiError::not_found());
    }
    let mut q = sql(
        "orders.notes",
        "SELECT id, order_id, author_id, author_email, author_name, body, created_at
         FROM order_notes WHERE order_id = ",
    );
    let after = page.after.as_ref().map(|c| (c.at, c.id.as_str()));
    q.push_bind(order_id).newest_first_page(None, after, page.limit);
    Ok(q.fetch_all(&mut conn).await?)
}

async fn order_exists(db: impl Exec, order_id: &str) -> Result<bool, db::Error> {
    sql("orders.exists", "SELECT id FROM orders WHERE id = $1").bind(order_id).exists(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_keeps_its_lines_but_no_other_control_characters() {
        assert_eq!(
            note_body("  called:\n\tleave it next door \n").ok().as_deref(),
            Some("called:\n\tleave it next door")
        );
        assert!(note_body("   ").is_err());
        assert!(note_body("bell\u{7}").is_err());
        assert!(note_body(&"x".repeat(MAX_NOTE_CHARS)).is_ok());
        assert!(note_body(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
    }
}
