//! Variant SQL: writing variants, reading one, and the price range they give their product.

use std::collections::BTreeMap;

use super::{model::Variant, store::VariantRow};
use crate::db::{self, Exec, sql};

const VARIANT_SELECT: &str = "SELECT v.id, v.product_id, v.sku, v.title, v.options, v.price, v.tax_class, v.weight, \
     v.requires_shipping, COALESCE(l.on_hand, 0) AS on_hand, COALESCE(l.reserved, 0) AS reserved, v.created_at, v.updated_at \
     FROM variants v LEFT JOIN inventory_levels l ON l.variant_id = v.id";

pub struct VariantValues<'a> {
    pub id: &'a str,
    pub product_id: &'a str,
    pub sku: &'a str,
    pub title: &'a str,
    pub options: &'a BTreeMap<String, String>,
    pub price: i64,
    pub tax_class: &'a str,
    pub weight: i64,
    pub requires_shipping: bool,
    pub now: i64,
}

/// Inserts the variants, as many to a statement as the engines allow.
pub async fn insert_variants(db: impl Exec, rows: &[VariantValues<'_>]) -> Result<(), db::Error> {
    let head = "INSERT INTO variants \
         (id, product_id, sku, title, options, price, tax_class, weight, requires_shipping, created_at, updated_at) \
         VALUES ";
    db::insert_rows(db, "products.insert_variants", head, rows, |v| {
        [
            v.id.into(),
            v.product_id.into(),
            v.sku.into(),
            v.title.into(),
            options_json(v.options).into(),
            v.price.into(),
            v.tax_class.into(),
            v.weight.into(),
            i64::from(v.requires_shipping).into(),
            v.now.into(),
            v.now.into(),
        ]
    })
    .await
}

/// Which of `skus` some variant already has.
pub async fn skus_in_use(db: impl Exec, skus: &[&str]) -> Result<Vec<String>, db::Error> {
    let mut q = sql("products.skus_in_use", "SELECT sku FROM variants WHERE sku IN (");
    q.push_list(skus.iter().copied()).push(")");
    Ok(q.fetch_all::<(String,)>(db).await?.into_iter().map(|(sku,)| sku).collect())
}

pub async fn update_variant(db: impl Exec, v: &VariantValues<'_>) -> Result<(), db::Error> {
    sql(
        "products.update_variant",
        "UPDATE variants SET sku = $2, title = $3, options = $4, price = $5, tax_class = $6, weight = $7, \
         requires_shipping = $8, updated_at = $9 WHERE id = $1",
    )
    .bind(v.id)
    .bind(v.sku)
    .bind(v.title)
    .bind(options_json(v.options))
    .bind(v.price)
    .bind(v.tax_class)
    .bind(v.weight)
    .bind(i64::from(v.requires_shipping))
    .bind(v.now)
    .execute(db)
    .await
    .map(drop)
}

fn options_json(options: &BTreeMap<String, String>) -> String {
    serde_json::to_string(options).unwrap_or_else(|_| "{}".into())
}

pub async fn find_variant(db: impl Exec, id: &str) -> Result<Option<Variant>, db::Error> {
    let mut q = sql("products.find_variant", VARIANT_SELECT);
    q.push(" WHERE v.id = ").push_bind(id);
    Ok(q.fetch_all::<VariantRow>(db).await?.pop().map(Into::into))
}

pub async fn count_variants(db: impl Exec, product_id: &str) -> Result<i64, db::Error> {
    sql("products.count_variants", "SELECT COUNT(*) FROM variants WHERE product_id = $1")
        .bind(product_id)
        .scalar_one(db)
        .await
}

/// Keeps the product's price range (what price filters and sorts read) in step with its variants.
pub async fn refresh_price_range(db: impl Exec, product_id: &str, now: i64) -> Result<(), db::Error> {
    sql(
        "products.refresh_price_range",
        "UPDATE products SET
           price_min = (SELECT MIN(price) FROM variants WHERE product_id = $1),
           price_max = (SELECT MAX(price) FROM variants WHERE product_id = $1),
           updated_at = $2
         WHERE id = $1",
    )
    .bind(product_id)
    .bind(now)
    .execute(db)
    .await
    .map(drop)
}
