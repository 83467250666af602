//! Region SQL: `regions`, `region_territories`, `tax_rates` and `tax_classes` are this
//! module's own. A province is stored as `''` for "the whole country" (or region), so that it
//! can be part of a primary key on every engine.

use std::collections::HashMap;

use super::model::{Region, TaxClass, TaxRate, Territory};
use crate::{
    db::{self, Exec, FromRow, insert_rows, sql},
    ids,
    page::PageRequest,
    pricing::{Rounding, TaxMode, TaxRounding},
};

#[derive(FromRow)]
struct RegionRow {
    id: String,
    name: String,
    currency: String,
    tax_mode: String,
    tax_rounding: String,
    rounding: String,
    tax_provider: String,
    created_at: i64,
    updated_at: i64,
}

/// The text the database holds for each setting, and back. The CHECK constraints in the
/// migration allow exactly these.
fn mode_text(mode: TaxMode) -> &'static str {
    match mode {
        TaxMode::Exclusive => "exclusive",
        TaxMode::Inclusive => "inclusive",
    }
}

fn level_text(level: TaxRounding) -> &'static str {
    match level {
        TaxRounding::PerLine => "per_line",
        TaxRounding::PerTotal => "per_total",
    }
}

fn rounding_text(rounding: Rounding) -> &'static str {
    match rounding {
        Rounding::HalfUp => "half_up",
        Rounding::HalfEven => "half_even",
    }
}

impl RegionRow {
    fn into_region(self, territories: Vec<Territory>, tax_rates: Vec<TaxRate>) -> Region {
        Region {
            id: self.id,
            name: self.name,
            currency: self.currency,
            territories,
            tax_mode: if self.tax_mode == "inclusive" { TaxMode::Inclusive } else { TaxMode::Exclusive },
            tax_rounding: if self.tax_rounding == "per_total" {
                TaxRounding::PerTotal
            } else {
                TaxRounding::PerLine
            },
            rounding: if self.rounding == "half_even" { Rounding::HalfEven } else { Rounding::HalfUp },
            tax_provider: self.tax_provider,
            tax_rates,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

fn province_key(province: &Option<String>) -> &str {
    province.as_deref().unwrap_or("")
}

fn province_of(key: String) -> Option<String> {
    if key.is_empty() { None } else { Some(key) }
}

pub async fn insert_region(mut db: impl Exec, r: &Region) -> Result<(), db::Error> {
    sql(
        "regions.insert",
        "INSERT INTO regions (id, name, currency, tax_mode, tax_rounding, rounding, tax_provider, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&r.id)
    .bind(&r.name)
    .bind(&r.currency)
    .bind(mode_text(r.tax_mode))
    .bind(level_text(r.tax_rounding))
    .bind(rounding_text(r.rounding))
    .bind(&r.tax_provider)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(&mut db)
    .await?;
    insert_territories(&mut db, &r.id, &r.territories).await?;
    insert_rates(&mut db, &r.id, &r.tax_rates).await
}

pub async fn update_region(db: impl Exec, r: &Region) -> Result<(), db::Error> {
    sql(
        "regions.update",
        "UPDATE regions SET name = $2, tax_mode = $3, tax_rounding = $4, rounding = $5, updated_at = $6
         WHERE id = $1",
    )
    .bind(&r.id)
    .bind(&r.name)
    .bind(mode_text(r.tax_mode))
    .bind(level_text(r.tax_rounding))
    .bind(rounding_text(r.rounding))
    .bind(r.updated_at)
    .execute(db)
    .await
    .map(drop)
}

pub async fn replace_territories(
    mut db: impl Exec,
    id: &str,
    territories: &[Territory],
) -> Result<(), db::Error> {
    sql("regions.delete_territories", "DELETE FROM region_territories WHERE region_id = $1")
        .bind(id)
        .execute(&mut db)
        .await?;
    insert_territories(db, id, territories).await
}

pub async fn replace_rates(mut db: impl Exec, id: &str, rates: &[TaxRate]) -> Result<(), db::Error> {
    sql("regions.delete_rates", "DELETE FROM tax_rates WHERE region_id = $1")
        .bind(id)
        .execute(&mut db)
        .await?;
    insert_rates(db, id, rates).await
}

async fn insert_territories(db: impl Exec, id: &str, territories: &[Territory]) -> Result<(), db::Error> {
    let head = "INSERT INTO region_territories (country, province, region_id) VALUES ";
    insert_rows(db, "regions.insert_territories", head, territories, |t| {
        [t.country.as_str().into(), province_key(&t.province).into(), id.into()]
    })
    .await
}

async fn insert_rates(db: impl Exec, id: &str, rates: &[TaxRate]) -> Result<(), db::Error> {
    let head = "INSERT INTO tax_rates (id, region_id, tax_class, province, name, rate_bps, position) VALUES ";
    let numbered: Vec<(i64, &TaxRate)> = (0..).zip(rates).collect();
    insert_rows(db, "regions.insert_rates", head, &numbered, |(position, r)| {
        [
            ids::new_id("txr").into(),
            id.into(),
            r.tax_class.as_str().into(),
            province_key(&r.province).into(),
            r.name.as_str().into(),
            i64::from(r.rate_bps).into(),
            (*position).into(),
        ]
    })
    .await
}

pub async fn find(mut db: impl Exec, id: &str) -> Result<Option<Region>, db::Error> {
    let row: Option<RegionRow> = sql(
        "regions.find",
        "SELECT id, name, currency, tax_mode, tax_rounding, rounding, tax_provider, created_at, updated_at
         FROM regions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(complete(db, vec![row]).await?.pop())
}

/// Oldest first; `limit + 1` rows.
pub async fn list(mut db: impl Exec, page: &PageRequest) -> Result<Vec<Region>, db::Error> {
    let (at, id) = page.after.as_ref().map_or((i64::MIN, ""), |c| (c.at, c.id.as_str()));
    let rows: Vec<RegionRow> = sql(
        "regions.list",
        "SELECT id, name, currency, tax_mode, tax_rounding, rounding, tax_provider, created_at, updated_at
         FROM regions WHERE created_at > $1 OR (created_at = $1 AND id > $2)
         ORDER BY created_at, id LIMIT $3",
    )
    .bind(at)
    .bind(id)
    .bind(page.limit + 1)
    .fetch_all(&mut db)
    .await?;
    complete(db, rows).await
}

/// The regions of `rows` with their territories and rates (two statements for all of them).
async fn complete(mut db: impl Exec, rows: Vec<RegionRow>) -> Result<Vec<Region>, db::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = rows.iter().map(|r| r.id.as_str());
    let mut q = sql(
        "regions.territories_of",
        "SELECT region_id, country, province FROM region_territories WHERE region_id IN (",
    );
    q.push_list(ids.clone()).push(") ORDER BY country, province");
    let mut territories: HashMap<String, Vec<Territory>> = HashMap::new();
    for (region, country, province) in q.fetch_all::<(String, String, String)>(&mut db).await? {
        territories.entry(region).or_default().push(Territory { country, province: province_of(province) });
    }
    let mut q = sql(
        "regions.rates_of",
        "SELECT region_id, tax_class, province, name, rate_bps FROM tax_rates WHERE region_id IN (",
    );
    q.push_list(ids).push(") ORDER BY position");
    let mut rates: HashMap<String, Vec<TaxRate>> = HashMap::new();
    for (region, tax_class, province, name, rate_bps) in
        q.fetch_all::<(String, String, String, String, i64)>(&mut db).await?
    {
        let rate_bps = u32::try_from(rate_bps).unwrap_or(0); // the CHECK keeps it in 0..=10000
        rates.entry(region).or_default().push(TaxRate {
            tax_class,
            province: province_of(province),
            name,
            rate_bps,
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let t = territories.remove(&row.id).unwrap_or_default();
            let r = rates.remove(&row.id).unwrap_or_default();
            row.into_region(t, r)
        })
        .collect())
}

pub async fn delete(mut db: impl Exec, id: &str) -> Result<bool, db::Error> {
    sql("regions.delete_rates_of", "DELETE FROM tax_rates WHERE region_id = $1")
        .bind(id)
        .execute(&mut db)
        .await?;
    sql("regions.delete_territories_of", "DELETE FROM region_territories WHERE region_id = $1")
        .bind(id)
        .execute(&mut db)
        .await?;
    let done = sql("regions.delete", "DELETE FROM regions WHERE id = $1").bind(id).execute(db).await?;
    Ok(done == 1)
}

/// Every region with its territories and rates, oldest first: what carts are priced against
/// (kept in memory a moment, see `super::RegionCache`).
pub async fn all(mut db: impl Exec) -> Result<Vec<Region>, db::Error> {
    let rows: Vec<RegionRow> = sql(
        "regions.all",
        "SELECT id, name, currency, tax_mode, tax_rounding, rounding, tax_provider, created_at, updated_at
         FROM regions ORDER BY created_at, id",
    )
    .fetch_all(&mut db)
    .await?;
    complete(db, rows).await
}

/// Which of `territories` another region than `id` already covers.
pub async fn taken_territories(
    db: impl Exec,
    id: &str,
    territories: &[Territory],
) -> Result<Vec<(Territory, String)>, db::Error> {
    if territories.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sql(
        "regions.taken_territories",
        "SELECT t.country, t.province, r.name FROM region_territories t JOIN regions r ON r.id = t.region_id WHERE t.region_id <> ",
    );
    q.push_bind(id)
        .push(" AND t.country IN (")
        .push_list(territories.iter().map(|t| t.country.as_str()))
        .push(")");
    let rows: Vec<(String, String, String)> = q.fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(country, province, name)| (Territory { country, province: province_of(province) }, name))
        .filter(|(t, _)| territories.contains(t))
        .collect())
}

pub async fn tax_classes(db: impl Exec) -> Result<Vec<TaxClass>, db::Error> {
    let rows: Vec<(String, String)> =
        sql("regions.tax_classes", "SELECT code, name FROM tax_classes ORDER BY created_at, code")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(code, name)| TaxClass { code, name }).collect())
}

pub async fn insert_tax_class(db: impl Exec, class: &TaxClass, now: i64) -> Result<(), db::Error> {
    sql("regions.insert_tax_class", "INSERT INTO tax_classes (code, name, created_at) VALUES ($1, $2, $3)")
        .bind(&class.code)
        .bind(&class.name)
        .bind(now)
        .execute(db)
        .await
        .map(drop)
}
