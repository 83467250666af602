//! Shipping option SQL: `shipping_options` is this module's own. Tiers are stored as JSON text
//! (`[{"up_to": n or null, "amount": n}]`): they are only ever read and written whole.

use std::collections::HashMap;

use super::model::{FreeOver, FreeOverBasis, PriceType, ShippingOption, ShippingPrice, Tier};
use crate::db::{self, Exec, FromRow, enum_text as text, parse_enum_text as parse, sql};

const COLUMNS: &str = "id, region_id, name, price_type, amount, tiers, free_over, free_over_basis, tax_class, \
     enabled, position, created_at, updated_at";

#[derive(FromRow)]
struct OptionRow {
    id: String,
    region_id: String,
    name: String,
    price_type: String,
    amount: Option<i64>,
    tiers: String,
    free_over: Option<i64>,
    free_over_basis: String,
    tax_class: String,
    enabled: i64,
    position: i64,
    created_at: i64,
    updated_at: i64,
}

impl OptionRow {
    fn into_option(self) -> Result<ShippingOption, db::Error> {
        let tiers =
            || serde_json::from_str::<Vec<Tier>>(&self.tiers).map_err(|e| db::Error::Decode(e.into()));
        let price = match parse::<PriceType>(self.price_type.clone())? {
            PriceType::Flat => ShippingPrice::Flat(self.amount.unwrap_or(0)),
            PriceType::SubtotalTiers => ShippingPrice::SubtotalTiers(tiers()?),
            PriceType::WeightTiers => ShippingPrice::WeightTiers(tiers()?),
        };
        let basis: FreeOverBasis = parse(self.free_over_basis)?;
        Ok(ShippingOption {
            id: self.id,
            region_id: self.region_id,
            name: self.name,
            price,
            free_over: self.free_over.map(|amount| FreeOver { amount, basis }),
            tax_class: self.tax_class,
            enabled: self.enabled != 0,
            position: self.position,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The price as its columns: the flat amount, and the tiers' JSON (`[]` for a flat price).
fn price_columns(price: &ShippingPrice) -> (Option<i64>, String) {
    match price {
        ShippingPrice::Flat(amount) => (Some(*amount), "[]".to_owned()),
        ShippingPrice::SubtotalTiers(tiers) | ShippingPrice::WeightTiers(tiers) => {
            (None, serde_json::to_string(tiers).unwrap_or_else(|_| "[]".into()))
        }
    }
}

pub async fn insert(db: impl Exec, o: &ShippingOption) -> Result<(), db::Error> {
    let (amount, tiers) = price_columns(&o.price);
    let mut q = sql("shipping.insert", "INSERT INTO shipping_options (");
    q.push(COLUMNS).push(") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
    q.bind(&o.id)
        .bind(&o.region_id)
        .bind(&o.name)
        .bind(text(o.price.price_type()))
        .bind(amount)
        .bind(tiers)
        .bind(o.free_over.map(|f| f.amount))
        .bind(text(o.free_over.map(|f| f.basis).unwrap_or_default()))
        .bind(&o.tax_class)
        .bind(i64::from(o.enabled))
        .bind(o.position)
        .bind(o.created_at)
        .bind(o.updated_at)
        .execute(db)
        .await
        .map(drop)
}

pub async fn update(db: impl Exec, o: &ShippingOption) -> Result<(), db::Error> {
    let (amount, tiers) = price_columns(&o.price);
    sql(
        "shipping.update",
        "UPDATE shipping_options SET name = $2, price_type = $3, amount = $4, tiers = $5, free_over = $6,
           free_over_basis = $7, tax_class = $8, enabled = $9, position = $10, updated_at = $11
         WHERE id = $1",
    )
    .bind(&o.id)
    .bind(&o.name)
    .bind(text(o.price.price_type()))
    .bind(amount)
    .bind(tiers)
    .bind(o.free_over.map(|f| f.amount))
    .bind(text(o.free_over.map(|f| f.basis).unwrap_or_default()))
    .bind(&o.tax_class)
    .bind(i64::from(o.enabled))
    .bind(o.position)
    .bind(o.updated_at)
    .execute(db)
    .await
    .map(drop)
}

pub async fn find(db: impl Exec, id: &str) -> Result<Option<ShippingOption>, db::Error> {
    let mut q = sql("shipping.find", "SELECT ");
    q.push(COLUMNS).push(" FROM shipping_options WHERE id = ").push_bind(id);
    q.fetch_optional::<OptionRow>(db).await?.map(OptionRow::into_option).transpose()
}

/// A region's options in the order shoppers see them.
pub async fn in_region(db: impl Exec, region_id: &str) -> Result<Vec<ShippingOption>, db::Error> {
    let mut q = sql("shipping.in_region", "SELECT ");
    q.push(COLUMNS)
        .push(" FROM shipping_options WHERE region_id = ")
        .push_bind(region_id)
        .push(" ORDER BY position, name, id");
    q.fetch_all::<OptionRow>(db).await?.into_iter().map(OptionRow::into_option).collect()
}

/// Every region's options, each region's in the order shoppers see them.
pub async fn all_by_region(db: impl Exec) -> Result<HashMap<String, Vec<ShippingOption>>, db::Error> {
    let mut q = sql("shipping.all_by_region", "SELECT ");
    q.push(COLUMNS).push(" FROM shipping_options ORDER BY region_id, position, name, id");
    let mut by_region: HashMap<String, Vec<ShippingOption>> = HashMap::new();
    for row in q.fetch_all::<OptionRow>(db).await? {
        let option = row.into_option()?;
        by_region.entry(option.region_id.clone()).or_default().push(option);
    }
    Ok(by_region)
}

pub async fn count_in_region(db: impl Exec, region_id: &str) -> Result<i64, db::Error> {
    sql("shipping.count_in_region", "SELECT COUNT(*) FROM shipping_options WHERE region_id = $1")
        .bind(region_id)
        .scalar_one(db)
        .await
}

pub async fn delete(db: impl Exec, id: &str) -> Result<bool, db::Error> {
    let done =
        sql("shipping.delete", "DELETE FROM shipping_options WHERE id = $1").bind(id).execute(db).await?;
    Ok(done == 1)
}
