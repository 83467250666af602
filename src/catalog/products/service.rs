//! Product rules: creating and changing products and variants (admins), finding and listing
//! them (everyone). Each change is one transaction: the product, its variants, their price
//! range and their opening stock land together or not at all.

use std::collections::HashSet;

use super::{
    input::{NewProduct, NewVariant, ProductPatch, VariantFields, VariantPatch},
    listing::{self, ListedRow, ProductQuery, Scan},
    model::{Audience, MAX_VARIANTS, Product, ProductStatus, Variant},
    store::{self, KeyColumn, ProductValues, VariantValues},
};
use crate::{
    db::{self, Db, Tx, is_unique_violation},
    error::{ApiError, FieldError},
    ids, inventory,
    page::take_page,
    time,
};

/// `currency` is the store's: a price sent as a money object must be in it.
pub async fn create_product(
    db: &Db,
    currency: &str,
    actor: &str,
    input: NewProduct,
) -> Result<Product, ApiError> {
    let (fields, variants) = input.check(currency)?;
    let id = ids::new_id("prod");
    let now = time::now_ms();
    let mut tx = db.begin().await?;
    check_categories(&mut tx, &fields.category_ids).await?;
    let values = ProductValues {
        id: &id,
        handle: &fields.handle,
        title: &fields.title,
        description: &fields.description,
        status: fields.status,
        images: &fields.images,
        now,
    };
    store::insert_product(&mut tx, &values).await.map_err(handle_conflict)?;
    store::set_categories(&mut tx, &id, &fields.category_ids).await?;
    for (i, variant) in variants.iter().enumerate() {
        insert_variant(&mut tx, &id, variant, actor, now).await.map_err(|e| at_variant(e, i))?;
    }
    store::refresh_price_range(&mut tx, &id, now).await?;
    let product = load(&mut tx, KeyColumn::Id, &id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok(product)
}

pub async fn update_product(db: &Db, id: &str, patch: ProductPatch) -> Result<Product, ApiError> {
    let patch = patch.check()?;
    let mut tx = db.begin().await?;
    let current = load(&mut tx, KeyColumn::Id, id).await?.ok_or_else(ApiError::not_found)?;
    if let Some(category_ids) = &patch.category_ids {
        check_categories(&mut tx, category_ids).await?;
        store::set_categories(&mut tx, id, category_ids).await?;
    }
    let values = ProductValues {
        id,
        handle: patch.handle.as_deref().unwrap_or(&current.handle),
        title: patch.title.as_deref().unwrap_or(&current.title),
        description: patch.description.as_deref().unwrap_or(&current.description),
        status: patch.status.unwrap_or(current.status),
        images: patch.images.as_deref().unwrap_or(&current.images),
        now: time::now_ms(),
    };
    store::update_product(&mut tx, &values).await.map_err(handle_conflict)?;
    let product = load(&mut tx, KeyColumn::Id, id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok(product)
}

/// Products are archived, never deleted: orders keep pointing at them.
pub async fn archive_product(db: &Db, id: &str) -> Result<(), ApiError> {
    let mut tx = db.begin().await?;
    if !store::set_status(&mut tx, id, ProductStatus::Archived, time::now_ms()).await? {
        return Err(ApiError::not_found());
    }
    tx.commit().await?;
    Ok(())
}

pub async fn add_variant(
    db: &Db,
    currency: &str,
    actor: &str,
    product_id: &str,
    input: NewVariant,
) -> Result<Variant, ApiError> {
    let fields = input.check(currency)?;
    let now = time::now_ms();
    let mut tx = db.begin().await?;
    store::find_row(&mut tx, KeyColumn::Id, product_id).await?.ok_or_else(ApiError::not_found)?;
    if store::count_variants(&mut tx, product_id).await? >= MAX_VARIANTS as i64 {
        return Err(ApiError::conflict(
            "too_many_variants",
            format!("A product can have at most {MAX_VARIANTS} variants."),
        ));
    }
    let id = insert_variant(&mut tx, product_id, &fields, actor, now).await?;
    store::refresh_price_range(&mut tx, product_id, now).await?;
    let variant = store::find_variant(&mut tx, &id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok(variant)
}

pub async fn update_variant(
    db: &Db,
    currency: &str,
    id: &str,
    patch: VariantPatch,
) -> Result<Variant, ApiError> {
    let patch = patch.check(currency)?;
    let now = time::now_ms();
    let mut tx = db.begin().await?;
    let current = store::find_variant(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
    let values = VariantValues {
        id,
        product_id: &current.product_id,
        sku: patch.sku.as_deref().unwrap_or(&current.sku),
        title: patch.title.as_deref().unwrap_or(&current.title),
        options: patch.options.as_ref().unwrap_or(&current.options),
        price: patch.price.unwrap_or(current.price),
        now,
    };
    store::update_variant(&mut tx, &values).await.map_err(sku_conflict)?;
    store::refresh_price_range(&mut tx, &current.product_id, now).await?;
    let variant = store::find_variant(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok(variant)
}

/// By id (`prod_…`) or handle. Shoppers see only published products; for anything else the
/// answer is the same `404` as for a product that does not exist.
pub async fn get_product(db: &Db, key: &str, audience: Audience) -> Result<Product, ApiError> {
    // Handles are lower-case letters, digits and dashes, so an underscore means an id.
    let column = if key.starts_with("prod_") { KeyColumn::Id } else { KeyColumn::Handle };
    let product = store::find(db, column, key).await?.ok_or_else(ApiError::not_found)?;
    if audience == Audience::Shopper && product.status != ProductStatus::Published {
        return Err(ApiError::not_found());
    }
    Ok(product)
}

/// One page of products and, when more follow, the cursor of the next.
pub async fn list_products(
    db: &Db,
    query: &ProductQuery,
) -> Result<(Vec<Product>, Option<String>), ApiError> {
    let mut conn = db.acquire().await?;
    let mut rows: Vec<ListedRow> = Vec::new();
    for tier in listing::tiers(query) {
        let wanted = query.limit + 1 - i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if wanted <= 0 {
            break;
        }
        let mut found: Vec<ListedRow> = Vec::new();
        if let Some(window) = listing::window(query, tier, wanted) {
            let sql = listing::build(query, tier, Scan::Newest(window), wanted);
            found = sql.fetch_all(&mut conn).await?;
        }
        if found.len() < usize::try_from(wanted).unwrap_or(usize::MAX) {
            let sql = listing::build(query, tier, Scan::Matches, wanted);
            found = sql.fetch_all(&mut conn).await?;
        }
        // Each tier is its own statement: a title edited between them must not list twice.
        let seen: HashSet<String> = rows.iter().map(|r| r.product.product.id.clone()).collect();
        rows.extend(found.into_iter().filter(|r| !seen.contains(&r.product.product.id)));
    }
    // An empty page for a category nobody has is a typo, not an empty shelf: say so. Checked
    // only when nothing was found, so a filter that matches costs nothing more.
    if rows.is_empty()
        && let Some(category) = &query.category
        && !crate::catalog::categories::category_key_exists(db, category).await?
    {
        return Err(ApiError::field("category", "is not the id or handle of a category"));
    }
    let next = if take_page(&mut rows, query.limit) {
        rows.last().map(|r| r.cursor(query.sort).encode())
    } else {
        None
    };
    let products = rows.into_iter().map(|r| r.product.into_product()).collect::<Result<_, _>>()?;
    Ok((products, next))
}

async fn load(tx: &mut Tx, column: KeyColumn, key: &str) -> Result<Option<Product>, ApiError> {
    Ok(store::find(tx, column, key).await?)
}

async fn check_categories(tx: &mut Tx, ids: &[String]) -> Result<(), ApiError> {
    let unknown = store::unknown_categories(tx, ids).await?;
    if unknown.is_empty() {
        return Ok(());
    }
    let errors = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| unknown.contains(id))
        .map(|(i, _)| FieldError {
            field: format!("category_ids[{i}]"),
            message: "is not an existing category".into(),
        })
        .collect();
    Err(ApiError::validation(errors))
}

async fn insert_variant(
    tx: &mut Tx,
    product_id: &str,
    fields: &VariantFields,
    actor: &str,
    now: i64,
) -> Result<String, ApiError> {
    let id = ids::new_id("var");
    let values = VariantValues {
        id: &id,
        product_id,
        sku: &fields.sku,
        title: &fields.title,
        options: &fields.options,
        price: fields.price,
        now,
    };
    store::insert_variant(&mut *tx, &values).await.map_err(sku_conflict)?;
    inventory::open_stock(tx, &id, fields.stock, actor).await?;
    Ok(id)
}

fn handle_conflict(e: db::Error) -> ApiError {
    if is_unique_violation(&e, &["handle"]) {
        ApiError::conflict("handle_taken", "Another product already has this handle.")
    } else {
        e.into()
    }
}

fn sku_conflict(e: db::Error) -> ApiError {
    if is_unique_violation(&e, &["sku"]) {
        ApiError::conflict("sku_taken", "Another variant already has this SKU.")
    } else {
        e.into()
    }
}

/// Names the variant whose SKU is taken (`variants[2].sku`).
fn at_variant(e: ApiError, index: usize) -> ApiError {
    if e.code() == "sku_taken" {
        e.with_errors(vec![FieldError {
            field: format!("variants[{index}].sku"),
            message: "is already in use".into(),
        }])
    } else {
        e
    }
}

/// True once any product exists, in any status.
pub async fn any_product(db: &Db) -> Result<bool, ApiError> {
    Ok(store::any_product(db).await?)
}
