//! Categories: a tree the catalog is browsed by. A product may sit in several.

pub mod routes;
pub(super) mod store;

use crate::{
    db::{Db, is_unique_violation},
    error::ApiError,
    http::query::PageRequest,
    ids, time,
    validate::{self, Validator},
};

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub handle: String,
    pub name: String,
    pub parent_id: Option<String>,
    pub created_at: i64,
}

pub struct NewCategory {
    pub name: String,
    pub handle: Option<String>,
    pub parent_id: Option<String>,
}

pub async fn create_category(db: &Db, input: NewCategory) -> Result<Category, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", validate::text(&input.name, 1, 100));
    let handle = match &input.handle {
        Some(handle) => v.check("handle", super::parse_handle(handle)),
        None => name.as_deref().and_then(|name| {
            v.check(
                "handle",
                super::parse_handle(&super::handle_from(name))
                    .map_err(|_| "is required when the name has no ASCII letters or digits".to_owned()),
            )
        }),
    };
    v.finish()?;
    let mut tx = db.begin().await?;
    if let Some(parent) = &input.parent_id
        && !store::category_exists(&mut *tx, parent).await?
    {
        return Err(ApiError::field("parent_id", "is not an existing category"));
    }
    let category = Category {
        id: ids::new_id("cat"),
        handle: handle.unwrap_or_default(),
        name: name.unwrap_or_default(),
        parent_id: input.parent_id,
        created_at: time::now_ms(),
    };
    match store::insert_category(&mut *tx, &category).await {
        Err(e) if is_unique_violation(&e, &["handle"]) => {
            return Err(ApiError::conflict("handle_taken", "Another category already has this handle."));
        }
        other => other?,
    }
    tx.commit().await?;
    Ok(category)
}

/// Whether `key` (an id or a handle) names a category.
pub async fn category_key_exists(db: &Db, key: &str) -> Result<bool, ApiError> {
    Ok(store::key_exists(db.pool(), key).await?)
}

pub async fn list_categories(db: &Db, page: &PageRequest) -> Result<Vec<Category>, ApiError> {
    Ok(store::list_categories(db.pool(), page).await?)
}
