//! How a category is shown, on its own and inside a product.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::Category;

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    #[schema(example = "cat_01jd3v9k2m8q4r6t0w2y4a6c8e")]
    pub id: String,
    #[schema(example = "t-shirts")]
    pub handle: String,
    pub name: String,
    /// The parent category, or null at the top of the tree.
    pub parent_id: Option<String>,
    pub created_at: String,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        Self {
            id: c.id,
            handle: c.handle,
            name: c.name,
            parent_id: c.parent_id,
            created_at: crate::time::rfc3339(c.created_at),
        }
    }
}
