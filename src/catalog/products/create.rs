//! Creating products: one from the admin API, or many in one transaction (`oxcart seed
//! --products`). Both check every product with the same rules and write it with the same
//! multi-row statements, so a million seeded products are what a million created ones would be.

use std::collections::BTreeSet;

use super::{
    input::{NewProduct, ProductFields, VariantFields},
    model::Product,
    service::{
        at_variant, check_tax_classes, handle_conflict, refuse_unknown_categories, sku_conflict,
        variant_values,
    },
    store::{self, KeyColumn, NewProductRow, ProductValues},
    variant_store::{self, VariantValues},
};
use crate::{
    db::{Db, Tx},
    error::ApiError,
    ids, inventory, time,
};

/// A product that passed its checks, with the ids it will have.
struct Checked {
    id: String,
    fields: ProductFields,
    variants: Vec<(String, VariantFields)>,
}

impl Checked {
    fn new(input: NewProduct, currency: &str) -> Result<Self, ApiError> {
        let (fields, variants) = input.check(currency)?;
        let variants = variants.into_iter().map(|v| (ids::new_id("var"), v)).collect();
        Ok(Self { id: ids::new_id("prod"), fields, variants })
    }
}

/// `currency` is the store's: a price sent as a money object must be in it.
pub async fn create_product(
    db: &Db,
    currency: &str,
    actor: &str,
    input: NewProduct,
) -> Result<Product, ApiError> {
    let product = Checked::new(input, currency)?;
    let mut tx = db.begin().await?;
    if let Err(e) = write(&mut tx, actor, std::slice::from_ref(&product)).await {
        drop(tx);
        return Err(name_taken_sku(db, &product, e).await);
    }
    let created = store::find(&mut tx, KeyColumn::Id, &product.id).await?.ok_or_else(ApiError::not_found)?;
    tx.commit().await?;
    Ok(created)
}

/// Creates all of `inputs` in one transaction, or none of them: the first product that breaks
/// a rule stops the batch with its error. Returns how many were created.
pub async fn create_products(
    db: &Db,
    currency: &str,
    actor: &str,
    inputs: Vec<NewProduct>,
) -> Result<usize, ApiError> {
    let products = inputs.into_iter().map(|p| Checked::new(p, currency)).collect::<Result<Vec<_>, _>>()?;
    let mut tx = db.begin().await?;
    write(&mut tx, actor, &products).await?;
    tx.commit().await?;
    Ok(products.len())
}

/// Everything a new product is: its row with the price range of its variants, its categories,
/// its variants and their opening stock. A statement per table for the whole batch.
async fn write(tx: &mut Tx, actor: &str, products: &[Checked]) -> Result<(), ApiError> {
    let now = time::now_ms();
    let wanted: BTreeSet<&String> = products.iter().flat_map(|p| &p.fields.category_ids).collect();
    let wanted: Vec<String> = wanted.into_iter().cloned().collect();
    let unknown = store::unknown_categories(&mut *tx, &wanted).await?;
    for product in products {
        refuse_unknown_categories(&product.fields.category_ids, &unknown)?;
    }
    // One lookup for the batch; an error names a variant by its place in its product.
    let classes: Vec<(String, &str)> = products
        .iter()
        .flat_map(|p| p.variants.iter().enumerate())
        .map(|(i, (_, v))| (format!("variants[{i}].tax_class"), v.tax_class.as_str()))
        .collect();
    check_tax_classes(tx, &classes).await?;
    let rows: Vec<NewProductRow> = products
        .iter()
        .map(|p| {
            let prices = p.variants.iter().map(|(_, v)| v.price);
            NewProductRow {
                values: ProductValues {
                    id: &p.id,
                    handle: &p.fields.handle,
                    title: &p.fields.title,
                    description: &p.fields.description,
                    status: p.fields.status,
                    images: &p.fields.images,
                    now,
                },
                price_min: prices.clone().min(),
                price_max: prices.max(),
            }
        })
        .collect();
    store::insert_products(&mut *tx, &rows).await.map_err(handle_conflict)?;
    let filed: Vec<(&str, &str)> = products
        .iter()
        .flat_map(|p| p.fields.category_ids.iter().map(|c| (p.id.as_str(), c.as_str())))
        .collect();
    store::file_in_categories(&mut *tx, &filed).await?;
    let variants: Vec<VariantValues> = products
        .iter()
        .flat_map(|p| p.variants.iter().map(|(id, v)| variant_values(id, &p.id, v, now)))
        .collect();
    variant_store::insert_variants(&mut *tx, &variants).await.map_err(sku_conflict)?;
    let levels: Vec<(&str, i64)> =
        products.iter().flat_map(|p| p.variants.iter().map(|(id, v)| (id.as_str(), v.stock))).collect();
    inventory::open_stock(tx, &levels, actor).await?;
    Ok(())
}

/// A taken SKU names the variant that has it (`variants[2].sku`). The multi-row insert does not
/// say which row it refused, so this asks, after the transaction has rolled back.
async fn name_taken_sku(db: &Db, product: &Checked, e: ApiError) -> ApiError {
    let skus: Vec<&str> = product.variants.iter().map(|(_, v)| v.sku.as_str()).collect();
    if e.code() != "sku_taken" || skus.is_empty() {
        return e;
    }
    match variant_store::skus_in_use(db, &skus).await {
        Ok(taken) => match skus.iter().position(|sku| taken.iter().any(|t| t == sku)) {
            Some(index) => at_variant(e, index),
            None => e,
        },
        Err(_) => e,
    }
}
