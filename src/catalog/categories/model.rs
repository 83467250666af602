//! What a category is, as the rules and the store both see it.

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
}
