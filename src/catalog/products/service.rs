//! Product rules: creating and changing products and variants (admins), finding and listing
//! them (everyone). Each change is one transaction: the product, its variants, their price
//! range and their opening stock land together or not at all.

use std::collections::{HashMap, HashSet};

use super::{
    input::{NewVariant, ProductPatch, VariantFields, VariantPatch},
    listing::{self, ListedRow, ProductQuery, Scan},
    model::{Audience, MAX_VARIANTS, Product, ProductStatus, Variant},
    size,
    store::{self, KeyColumn, ProductValues},
    variant_store::{self, VariantValues},
};
use crate::{
    db::{self, Db, Tx, is_unique_violation},
    error::{ApiError, FieldError},
    ids, inventory,
    page::take_page,
    recent::RecentCount,
    regions, time,
};

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
    check_tax_classes(&mut tx, &[("tax_class".to_owned(), &fields.tax_class)]).await?;
    if variant_store::count_variants(&mut tx, product_id).await? >= MAX_VARIANTS as i64 {
        return Err(ApiError::conflict(
            "too_many_variants",
            format!("A product can have at most {MAX_VARIANTS} variants."),
        ));
    }
    let id = ids::new_id("var");
    variant_store::insert_variants(&mut tx, &[variant_values(&id, product_id, &fields, now)])
        .await
        .map_err(sku_conflict)?;
    inventory::open_stock(&mut tx, &[(&id, fields.stock)], actor).await?;
    variant_store::refresh_price_range(&mut tx, product_id, now).await?;
    let variant = variant_store::find_variant(&mut tx, &id).await?.ok_or_else(ApiError::not_found)?;
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
    let current = variant_store::find_variant(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
    if let Some(class) = &patch.tax_class {
        check_tax_classes(&mut tx, &[("tax_class".to_owned(), class)]).await?;
    }
    let values = VariantValues {
        id,
        product_id: &current.product_id,
        sku: patch.sku.as_deref().unwrap_or(&current.sku),
        title: patch.title.as_deref().unwrap_or(&current.title),
        options: patch.options.as_ref().unwrap_or(&current.options),
        price: patch.price.unwrap_or(current.price),
        tax_class: patch.tax_class.as_deref().unwrap_or(&current.tax_class),
        weight: patch.weight.unwrap_or(current.weight),
        requires_shipping: patch.requires_shipping.unwrap_or(current.requires_shipping),
        now,
    };
    variant_store::update_variant(&mut tx, &values).await.map_err(sku_conflict)?;
    variant_store::refresh_price_range(&mut tx, &current.product_id, now).await?;
    let variant = variant_store::find_variant(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
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
    size: &RecentCount,
    query: &ProductQuery,
) -> Result<(Vec<Product>, Option<String>), ApiError> {
    let tiers = listing::tiers(query);
    let published =
        if tiers.iter().any(Option::is_some) { size::published(size, db).await? } else { i64::MAX };
    let mut conn = db.acquire().await?;
    let mut rows: Vec<ListedRow> = Vec::new();
    for tier in tiers {
        let wanted = query.limit + 1 - i64::try_from(rows.len()).unwrap_or(i64::MAX);
        if wanted <= 0 {
            break;
        }
        let mut found: Vec<ListedRow> = Vec::new();
        if let Some(window) = listing::window(query, tier, wanted, published) {
            let sql = listing::build(query, tier, Scan::Newest(window), wanted);
            found = sql.fetch_all(&mut conn).await?;
        }
        if found.len() < usize::try_from(wanted).unwrap_or(usize::MAX) {
            let sql = listing::build(query, tier, Scan::Matches, wanted);
            found = sql.fetch_all(&mut conn).await?;
        }
        // Each tier is its own statement: a title edited between them must not list twice.
        let seen: HashSet<String> = rows.iter().map(|r| r.product.id.clone()).collect();
        rows.extend(found.into_iter().filter(|r| !seen.contains(&r.product.id)));
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
    let products = if listing::children_inline(query) {
        rows.into_iter()
            .map(|r| {
                let (variants, categories) =
                    (r.variants.unwrap_or_default(), r.categories.unwrap_or_default());
                store::complete(r.product, &variants, &categories)
            })
            .collect::<Result<_, _>>()?
    } else {
        store::assemble(&mut conn, rows.into_iter().map(|r| r.product).collect()).await?
    };
    Ok((products, next))
}

async fn load(tx: &mut Tx, column: KeyColumn, key: &str) -> Result<Option<Product>, ApiError> {
    Ok(store::find(tx, column, key).await?)
}

async fn check_categories(tx: &mut Tx, ids: &[String]) -> Result<(), ApiError> {
    let unknown = store::unknown_categories(tx, ids).await?;
    refuse_unknown_categories(ids, &unknown)
}

/// A `category_ids[i]` error for each of `ids` in `unknown`.
pub(super) fn refuse_unknown_categories(ids: &[String], unknown: &[String]) -> Result<(), ApiError> {
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

/// Refuses variants whose tax class does not exist, each named by its field
/// (`variants[1].tax_class`); `classes` pairs each field with the code sent.
pub(super) async fn check_tax_classes(tx: &mut Tx, classes: &[(String, &str)]) -> Result<(), ApiError> {
    let codes: Vec<&str> = classes.iter().map(|(_, code)| *code).collect();
    let unknown = regions::unknown_tax_classes(&mut *tx, &codes).await?;
    if unknown.is_empty() {
        return Ok(());
    }
    let errors = classes
        .iter()
        .filter(|(_, code)| unknown.iter().any(|u| u == code))
        .map(|(field, _)| FieldError { field: field.clone(), message: "is not a tax class".into() })
        .collect();
    Err(ApiError::validation(errors))
}

pub(super) fn handle_conflict(e: db::Error) -> ApiError {
    if is_unique_violation(&e, &["handle"]) {
        ApiError::conflict("handle_taken", "Another product already has this handle.")
    } else {
        e.into()
    }
}

pub(super) fn sku_conflict(e: db::Error) -> ApiError {
    if is_unique_violation(&e, &["sku"]) {
        ApiError::conflict("sku_taken", "Another variant already has this SKU.")
    } else {
        e.into()
    }
}

/// The row of variant `id` of product `product_id`, made of its checked fields.
pub(super) fn variant_values<'a>(
    id: &'a str,
    product_id: &'a str,
    fields: &'a VariantFields,
    now: i64,
) -> VariantValues<'a> {
    VariantValues {
        id,
        product_id,
        sku: &fields.sku,
        title: &fields.title,
        options: &fields.options,
        price: fields.price,
        tax_class: &fields.tax_class,
        weight: fields.weight,
        requires_shipping: fields.requires_shipping,
        now,
    }
}

/// Names the variant whose SKU is taken (`variants[2].sku`).
pub(super) fn at_variant(e: ApiError, index: usize) -> ApiError {
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

/// Which of `ids` is not a product, and which of `category_ids` not a category: for other
/// domains that name them (promotions).
pub async fn unknown_products_and_categories(
    mut db: impl db::Exec,
    ids: &[String],
    category_ids: &[String],
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let products = store::unknown_products(&mut db, ids).await?;
    Ok((products, store::unknown_categories(&mut db, category_ids).await?))
}

/// Each of `product_ids`' categories with every category above them, by product: what a
/// promotion for a category (and its subtree) matches.
pub async fn categories_with_ancestors(
    db: impl db::Exec,
    product_ids: &[&str],
) -> Result<HashMap<String, Vec<String>>, ApiError> {
    let mut by_product: HashMap<String, Vec<String>> = HashMap::new();
    for (product, category) in store::categories_with_ancestors(db, product_ids).await? {
        by_product.entry(product).or_default().push(category);
    }
    Ok(by_product)
}
