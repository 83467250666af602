//! Category SQL.

use super::model::Category;
use crate::{
    db::{self, Exec, FromRow, sql},
    page::PageRequest,
};

#[derive(FromRow)]
struct CategoryRow {
    id: String,
    handle: String,
    name: String,
    parent_id: Option<String>,
    created_at: i64,
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Self { id: r.id, handle: r.handle, name: r.name, parent_id: r.parent_id, created_at: r.created_at }
    }
}

pub async fn insert_category(db: impl Exec, c: &Category) -> Result<(), db::Error> {
    sql(
        "categories.insert_category",
        "INSERT INTO categories (id, handle, name, parent_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&c.id)
    .bind(&c.handle)
    .bind(&c.name)
    .bind(&c.parent_id)
    .bind(c.created_at)
    .execute(db)
    .await
    .map(drop)
}

pub async fn category_exists(db: impl Exec, id: &str) -> Result<bool, db::Error> {
    sql("categories.category_exists", "SELECT id FROM categories WHERE id = $1").bind(id).exists(db).await
}

/// Whether a category has this id or this handle.
pub async fn key_exists(db: impl Exec, key: &str) -> Result<bool, db::Error> {
    sql("categories.key_exists", "SELECT id FROM categories WHERE id = $1 OR handle = $1")
        .bind(key)
        .exists(db)
        .await
}

/// Oldest first, so a tree reads parents before children; `limit + 1` rows.
pub async fn list_categories(db: impl Exec, page: &PageRequest) -> Result<Vec<Category>, db::Error> {
    let (at, id) = page.after.as_ref().map_or((i64::MIN, ""), |c| (c.at, c.id.as_str()));
    let rows: Vec<CategoryRow> = sql(
        "categories.list_categories",
        "SELECT id, handle, name, parent_id, created_at FROM categories
         WHERE created_at > $1 OR (created_at = $1 AND id > $2)
         ORDER BY created_at, id LIMIT $3",
    )
    .bind(at)
    .bind(id)
    .bind(page.limit + 1)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn find(db: impl Exec, id: &str) -> Result<Option<Category>, db::Error> {
    let row: Option<CategoryRow> = sql(
        "categories.find",
        "SELECT id, handle, name, parent_id, created_at FROM categories WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(Into::into))
}

pub async fn update(db: impl Exec, c: &Category) -> Result<(), db::Error> {
    sql("categories.update", "UPDATE categories SET handle = $2, name = $3, parent_id = $4 WHERE id = $1")
        .bind(&c.id)
        .bind(&c.handle)
        .bind(&c.name)
        .bind(&c.parent_id)
        .execute(db)
        .await
        .map(drop)
}

/// Whether `ancestor` is `id` or above it in the tree.
pub async fn is_at_or_above(db: impl Exec, ancestor: &str, id: &str) -> Result<bool, db::Error> {
    sql(
        "categories.is_at_or_above",
        "WITH RECURSIVE up (id, parent_id) AS (
           SELECT id, parent_id FROM categories WHERE id = $1
           UNION ALL SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id)
         SELECT id FROM up WHERE id = $2 LIMIT 1",
    )
    .bind(id)
    .bind(ancestor)
    .exists(db)
    .await
}

pub async fn count_children(db: impl Exec, id: &str) -> Result<i64, db::Error> {
    sql("categories.count_children", "SELECT CAST(COUNT(*) AS BIGINT) FROM categories WHERE parent_id = $1")
        .bind(id)
        .scalar_one(db)
        .await
}

/// Products filed in the category (any status). The filing rows are written by the products'
/// rules; a category only counts them, to refuse deleting one that still holds any.
pub async fn count_products(db: impl Exec, id: &str) -> Result<i64, db::Error> {
    sql(
        "categories.count_products",
        "SELECT CAST(COUNT(*) AS BIGINT) FROM product_categories WHERE category_id = $1",
    )
    .bind(id)
    .scalar_one(db)
    .await
}

pub async fn delete(db: impl Exec, id: &str) -> Result<bool, db::Error> {
    let done = sql("categories.delete", "DELETE FROM categories WHERE id = $1").bind(id).execute(db).await?;
    Ok(done == 1)
}
