//! Categories: a tree the catalog is browsed by. A product may sit in several.

pub mod model;
pub mod routes;
pub mod views;

pub use model::Category;
pub(super) mod store;

use crate::{
    catalog::handle::{handle_from, parse_handle},
    db::{Db, is_unique_violation, retry_transient},
    error::ApiError,
    ids,
    page::PageRequest,
    time,
    validate::{self, Validator},
};

pub struct NewCategory {
    pub name: String,
    pub handle: Option<String>,
    pub parent_id: Option<String>,
}

pub async fn create_category(db: &Db, input: NewCategory) -> Result<Category, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", validate::text(&input.name, 1, 100));
    let handle = match &input.handle {
        Some(handle) => v.check("handle", parse_handle(handle)),
        None => name.as_deref().and_then(|name| {
            v.check(
                "handle",
                parse_handle(&handle_from(name))
                    .map_err(|_| "is required when the name has no ASCII letters or digits".to_owned()),
            )
        }),
    };
    v.finish()?;
    let mut tx = db.begin().await?;
    if let Some(parent) = &input.parent_id
        && !store::category_exists(&mut tx, parent).await?
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
    match store::insert_category(&mut tx, &category).await {
        Err(e) if is_unique_violation(&e, &["handle"]) => {
            return Err(ApiError::conflict("handle_taken", "Another category already has this handle."));
        }
        other => other?,
    }
    tx.commit().await?;
    Ok(category)
}

/// A change to a category; `None` keeps a field. `parent_id: Some(None)` moves it to the top.
#[derive(Default)]
pub struct CategoryPatch {
    pub name: Option<String>,
    pub handle: Option<String>,
    pub parent_id: Option<Option<String>>,
}

/// Renames or moves a category. It cannot move under itself or below itself.
pub async fn update_category(db: &Db, id: &str, patch: CategoryPatch) -> Result<Category, ApiError> {
    let mut v = Validator::new();
    let name = patch.name.and_then(|n| v.check("name", validate::text(&n, 1, 100)));
    let handle = patch.handle.and_then(|h| v.check("handle", parse_handle(&h)));
    v.finish()?;
    let (name, handle, parent_id) = (&name, &handle, &patch.parent_id);
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        let mut category = store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        if let Some(parent) = parent_id {
            if let Some(parent) = parent {
                if !store::category_exists(&mut tx, parent).await? {
                    return Err(ApiError::field("parent_id", "is not an existing category"));
                }
                if store::is_at_or_above(&mut tx, id, parent).await? {
                    return Err(ApiError::field("parent_id", "is this category or one below it"));
                }
            }
            category.parent_id.clone_from(parent);
        }
        if let Some(name) = name {
            category.name.clone_from(name);
        }
        if let Some(handle) = handle {
            category.handle.clone_from(handle);
        }
        match store::update(&mut tx, &category).await {
            Err(e) if is_unique_violation(&e, &["handle"]) => {
                return Err(ApiError::conflict("handle_taken", "Another category already has this handle."));
            }
            other => other?,
        }
        tx.commit().await?;
        Ok(category)
    })
    .await
}

/// Deletes an empty category. One with subcategories or products is refused with
/// `409 category_not_empty`: move them first, so that nothing is re-filed by surprise.
pub async fn delete_category(db: &Db, id: &str) -> Result<(), ApiError> {
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        let children = store::count_children(&mut tx, id).await?;
        let products = store::count_products(&mut tx, id).await?;
        if children > 0 || products > 0 {
            return Err(ApiError::conflict(
                "category_not_empty",
                "The category still holds subcategories or products. Move them elsewhere first.",
            )
            .with_extension("subcategories", children)
            .with_extension("products", products));
        }
        store::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Whether `key` (an id or a handle) names a category.
pub async fn category_key_exists(db: &Db, key: &str) -> Result<bool, ApiError> {
    Ok(store::key_exists(db, key).await?)
}

pub async fn list_categories(db: &Db, page: &PageRequest) -> Result<Vec<Category>, ApiError> {
    Ok(store::list_categories(db, page).await?)
}
