//! Product SQL: reading products whole (with their variants and categories) and writing their
//! rows. Listing queries are assembled in `listing.rs`, variant statements live in
//! `variant_store.rs`.

use std::collections::HashMap;

use super::model::{Product, ProductStatus, Variant};
use crate::{
    catalog::categories::model::Category,
    db::{self, Exec, FromRow, Sql, sql},
};

pub const PRODUCT_COLUMNS: &str = "p.id, p.handle, p.title, p.sort_title, p.description, p.status, p.images, \
     p.price_min, p.price_max, p.created_at, p.updated_at";

#[derive(FromRow)]
pub struct ProductRow {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub sort_title: String,
    pub description: String,
    pub status: String,
    pub images: String,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ProductRow {
    fn into_product(self, categories: Vec<Category>, variants: Vec<Variant>) -> Product {
        Product {
            images: serde_json::from_str(&self.images).unwrap_or_default(),
            status: ProductStatus::from_db(&self.status),
            id: self.id,
            handle: self.handle,
            title: self.title,
            description: self.description,
            price_min: self.price_min,
            price_max: self.price_max,
            categories,
            variants,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A variant as a row (`variant_store`), or as an array of `push_children`'s JSON in the same
/// order without the product id (serde reads a struct from an array, skipping `product_id`).
#[derive(FromRow, serde::Deserialize)]
pub(super) struct VariantRow {
    id: String,
    #[serde(skip)]
    product_id: String,
    sku: String,
    title: String,
    options: String,
    price: i64,
    tax_class: String,
    weight: i64,
    requires_shipping: i64,
    on_hand: i64,
    reserved: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<VariantRow> for Variant {
    fn from(r: VariantRow) -> Self {
        Self {
            options: serde_json::from_str(&r.options).unwrap_or_default(),
            id: r.id,
            product_id: r.product_id,
            sku: r.sku,
            title: r.title,
            price: r.price,
            tax_class: r.tax_class,
            weight: r.weight,
            requires_shipping: r.requires_shipping != 0,
            on_hand: r.on_hand,
            reserved: r.reserved,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A category as `json_rows` returns it: id, handle, name, parent id, created.
type CategoryJson = (String, String, String, Option<String>, i64);

/// Appends product `p`'s variants (with stock) and categories as the columns `variants` and
/// `categories`: JSON arrays (`VariantRow`s, `CategoryJson`), each built by a correlated
/// subquery that probes its index (`variants (product_id, id)`, `product_categories
/// (product_id, …)`). So a product, or a page's products, comes whole from one statement.
pub fn push_children(q: &mut Sql) {
    q.push(", (SELECT ")
        .json_rows(
            "v.id, v.sku, v.title, v.options, v.price, v.tax_class, v.weight, v.requires_shipping, \
             COALESCE(l.on_hand, 0), COALESCE(l.reserved, 0), v.created_at, v.updated_at",
            "v.id",
        )
        .push(
            " FROM variants v LEFT JOIN inventory_levels l ON l.variant_id = v.id WHERE v.product_id = p.id) \
             AS variants, (SELECT ",
        )
        .json_rows("c.id, c.handle, c.name, c.parent_id, c.created_at", "c.created_at, c.id")
        .push(
            " FROM product_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.product_id = p.id) \
             AS categories",
        );
}

/// A product row completed with what `push_children` returned for it.
pub fn complete(row: ProductRow, variants: &str, categories: &str) -> Result<Product, db::Error> {
    let variants: Vec<VariantRow> = parse(variants)?;
    let categories: Vec<CategoryJson> = parse(categories)?;
    let variants =
        variants.into_iter().map(|v| Variant::from(VariantRow { product_id: row.id.clone(), ..v })).collect();
    let categories = categories
        .into_iter()
        .map(|(id, handle, name, parent_id, created_at)| Category { id, handle, name, parent_id, created_at })
        .collect();
    Ok(row.into_product(categories, variants))
}

/// Completes a search page's product rows with their variants and categories, in one statement
/// (`push_children`) that PostgreSQL plans once: see `listing::children_inline`.
pub async fn assemble(db: impl Exec, rows: Vec<ProductRow>) -> Result<Vec<Product>, db::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql("products.variants_and_categories_of", "SELECT p.id");
    push_children(&mut q);
    q.push(" FROM products p WHERE p.id IN (").push_list(rows.iter().map(|r| r.id.as_str())).push(")");
    let mut found: HashMap<String, (String, String)> = q
        .fetch_all::<(String, String, String)>(db)
        .await?
        .into_iter()
        .map(|(id, v, c)| (id, (v, c)))
        .collect();
    rows.into_iter()
        .map(|row| {
            // Gone since the page was read: shown as it was listed, without variants.
            let (variants, categories) = found.remove(&row.id).unwrap_or_else(|| ("[]".into(), "[]".into()));
            complete(row, &variants, &categories)
        })
        .collect()
}

/// A product row with the columns `push_children` added: the product whole.
#[derive(FromRow)]
struct ProductWithChildren {
    #[sqlx(flatten)]
    product: ProductRow,
    variants: String,
    categories: String,
}

impl ProductWithChildren {
    fn into_product(self) -> Result<Product, db::Error> {
        complete(self.product, &self.variants, &self.categories)
    }
}

/// One product by id or handle, any status, whole (variants and categories): one statement.
pub async fn find(db: impl Exec, column: KeyColumn, key: &str) -> Result<Option<Product>, db::Error> {
    let mut q = sql("products.find", "SELECT ");
    q.push(PRODUCT_COLUMNS);
    push_children(&mut q);
    q.push(" FROM products p WHERE ").push(column.sql()).push(" = ").push_bind(key);
    q.fetch_optional::<ProductWithChildren>(db).await?.map(ProductWithChildren::into_product).transpose()
}

/// What the database built, read back; it failing is the database's fault, not a client's.
fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, db::Error> {
    serde_json::from_str(json).map_err(|e| db::Error::Decode(e.into()))
}

/// One product's own row by id or handle, any status (without variants and categories).
pub async fn find_row(db: impl Exec, column: KeyColumn, key: &str) -> Result<Option<ProductRow>, db::Error> {
    let mut q = sql("products.find_row", "SELECT ");
    q.push(PRODUCT_COLUMNS).push(" FROM products p WHERE ").push(column.sql()).push(" = ").push_bind(key);
    Ok(q.fetch_all(db).await?.pop())
}

#[derive(Clone, Copy)]
pub enum KeyColumn {
    Id,
    Handle,
}

impl KeyColumn {
    fn sql(self) -> &'static str {
        match self {
            Self::Id => "p.id",
            Self::Handle => "p.handle",
        }
    }
}

pub struct ProductValues<'a> {
    pub id: &'a str,
    pub handle: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub status: ProductStatus,
    pub images: &'a [String],
    pub now: i64,
}

/// A new product's row: its values and its price range, taken from the variants it is created
/// with (as `refresh_price_range` would).
pub struct NewProductRow<'a> {
    pub values: ProductValues<'a>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
}

/// Inserts the products, as many to a statement as the engines allow.
pub async fn insert_products(db: impl Exec, rows: &[NewProductRow<'_>]) -> Result<(), db::Error> {
    let head = "INSERT INTO products (id, handle, title, sort_title, description, status, images, price_min, \
                price_max, created_at, updated_at) VALUES ";
    db::insert_rows(db, "products.insert", head, rows, |r| {
        let p = &r.values;
        [
            p.id.into(),
            p.handle.into(),
            p.title.into(),
            p.title.to_lowercase().into(),
            p.description.into(),
            p.status.as_str().into(),
            images_json(p.images).into(),
            r.price_min.into(),
            r.price_max.into(),
            p.now.into(),
            p.now.into(),
        ]
    })
    .await
}

pub async fn update_product(db: impl Exec, p: &ProductValues<'_>) -> Result<(), db::Error> {
    sql(
        "products.update",
        "UPDATE products SET handle = $2, title = $3, sort_title = $4, description = $5, status = $6,
         images = $7, updated_at = $8 WHERE id = $1",
    )
    .bind(p.id)
    .bind(p.handle)
    .bind(p.title)
    .bind(p.title.to_lowercase())
    .bind(p.description)
    .bind(p.status.as_str())
    .bind(images_json(p.images))
    .bind(p.now)
    .execute(db)
    .await
    .map(drop)
}

fn images_json(images: &[String]) -> String {
    serde_json::to_string(images).unwrap_or_else(|_| "[]".into())
}

pub async fn set_status(db: impl Exec, id: &str, status: ProductStatus, now: i64) -> Result<bool, db::Error> {
    let done = sql("products.set_status", "UPDATE products SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(status.as_str())
        .bind(now)
        .execute(db)
        .await?;
    Ok(done == 1)
}

/// Replaces the product's categories.
pub async fn set_categories(
    mut db: impl Exec,
    product_id: &str,
    category_ids: &[String],
) -> Result<(), db::Error> {
    sql("products.clear_categories", "DELETE FROM product_categories WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut db)
        .await?;
    let pairs: Vec<(&str, &str)> = category_ids.iter().map(|c| (product_id, c.as_str())).collect();
    file_in_categories(db, &pairs).await
}

/// Files each `(product id, category id)` pair.
pub async fn file_in_categories(db: impl Exec, pairs: &[(&str, &str)]) -> Result<(), db::Error> {
    let head = "INSERT INTO product_categories (product_id, category_id) VALUES ";
    db::insert_rows(db, "products.file_in_categories", head, pairs, |(product, category)| {
        [(*product).into(), (*category).into()]
    })
    .await
}

/// The ids among `ids` that name no category.
pub async fn unknown_categories(db: impl Exec, ids: &[String]) -> Result<Vec<String>, db::Error> {
    unknown_of(db, "products.unknown_categories", "SELECT id FROM categories WHERE id IN (", ids).await
}

pub async fn unknown_products(db: impl Exec, ids: &[String]) -> Result<Vec<String>, db::Error> {
    unknown_of(db, "products.unknown_products", "SELECT id FROM products WHERE id IN (", ids).await
}

/// Which of `ids` the `select … IN (` finds no row for.
async fn unknown_of(
    db: impl Exec,
    name: &'static str,
    select: &'static str,
    ids: &[String],
) -> Result<Vec<String>, db::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql(name, select);
    q.push_list(ids.iter().map(String::as_str)).push(")");
    let found: Vec<(String,)> = q.fetch_all(db).await?;
    Ok(ids.iter().filter(|id| !found.iter().any(|(f,)| f == *id)).cloned().collect())
}

/// Each product's categories, each with every category above it.
pub async fn categories_with_ancestors(
    db: impl Exec,
    product_ids: &[&str],
) -> Result<Vec<(String, String)>, db::Error> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql(
        "products.categories_with_ancestors",
        "WITH RECURSIVE up (product_id, category_id) AS (
           SELECT product_id, category_id FROM product_categories WHERE product_id IN (",
    );
    q.push_list(product_ids.iter().copied()).push(
        ") UNION ALL SELECT up.product_id, c.parent_id FROM up JOIN categories c ON c.id = up.category_id
           WHERE c.parent_id IS NOT NULL)
         SELECT DISTINCT product_id, category_id FROM up",
    );
    q.fetch_all(db).await
}

/// How many products are published, counting no further than `bound` (a walk of the status
/// index that stops there).
pub async fn count_published(db: impl Exec, bound: i64) -> Result<i64, db::Error> {
    let mut q =
        sql("products.count_published", "SELECT COUNT(*) FROM (SELECT 1 FROM products WHERE status = ");
    q.push_bind(ProductStatus::Published.as_str()).push(&format!(" LIMIT {bound}) c"));
    q.scalar_one(db).await
}

/// Whether the store has any product, of any status.
pub async fn any_product(db: impl Exec) -> Result<bool, db::Error> {
    sql("products.any_product", "SELECT id FROM products LIMIT 1").exists(db).await
}
