//! Promotion SQL: `promotions`, `promotion_targets` and `promotion_codes` are this module's
//! own. Enums are stored as their API spelling; flags as 0 or 1.

use std::collections::HashMap;

use super::model::{Benefit, Class, Combines, Customers, Promotion, PromotionDetail, Target, Trigger, Usage};
use super::rules::BenefitType;
use crate::{
    db::{self, Bind, Exec, FromRow, enum_text, insert_rows, parse_enum_text, sql},
    page::PageRequest,
};

const COLUMNS: &str = "id, name, class, benefit, percent_bps, amount, buy_quantity, get_quantity, trigger_kind, \
     min_subtotal, min_quantity, customers, starts_at, ends_at, enabled, combines_product, combines_order, \
     combines_shipping, usage_limit, per_customer_limit, created_at, updated_at";

#[derive(FromRow)]
struct PromotionRow {
    id: String,
    name: String,
    class: String,
    benefit: String,
    percent_bps: Option<i64>,
    amount: Option<i64>,
    buy_quantity: Option<i64>,
    get_quantity: Option<i64>,
    trigger_kind: String,
    min_subtotal: Option<i64>,
    min_quantity: Option<i64>,
    customers: String,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    enabled: i64,
    combines_product: i64,
    combines_order: i64,
    combines_shipping: i64,
    usage_limit: Option<i64>,
    per_customer_limit: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl PromotionRow {
    fn into_promotion(self, targets: Vec<Target>) -> Result<Promotion, db::Error> {
        // The CHECKs keep these within u32.
        let small = |n: Option<i64>| u32::try_from(n.unwrap_or(0)).unwrap_or(0);
        let benefit = match parse_enum_text::<BenefitType>(self.benefit)? {
            BenefitType::Percentage => Benefit::Percentage { bps: small(self.percent_bps) },
            BenefitType::Fixed => Benefit::Fixed { amount: self.amount.unwrap_or(0) },
            BenefitType::FreeShipping => Benefit::FreeShipping,
            BenefitType::BuyXGetY => Benefit::BuyXGetY {
                buy: small(self.buy_quantity),
                get: small(self.get_quantity),
                bps: small(self.percent_bps),
            },
        };
        Ok(Promotion {
            id: self.id,
            name: self.name,
            class: parse_enum_text::<Class>(self.class)?,
            benefit,
            trigger: parse_enum_text::<Trigger>(self.trigger_kind)?,
            targets,
            min_subtotal: self.min_subtotal,
            min_quantity: self.min_quantity,
            customers: parse_enum_text::<Customers>(self.customers)?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            enabled: self.enabled != 0,
            combines: Combines {
                product: self.combines_product != 0,
                order: self.combines_order != 0,
                shipping: self.combines_shipping != 0,
            },
            usage_limit: self.usage_limit,
            per_customer_limit: self.per_customer_limit,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The benefit as its columns: percent_bps, amount, buy_quantity, get_quantity.
fn benefit_columns(b: Benefit) -> [Option<i64>; 4] {
    match b {
        Benefit::Percentage { bps } => [Some(i64::from(bps)), None, None, None],
        Benefit::Fixed { amount } => [None, Some(amount), None, None],
        Benefit::FreeShipping => [None; 4],
        Benefit::BuyXGetY { buy, get, bps } => {
            [Some(i64::from(bps)), None, Some(i64::from(buy)), Some(i64::from(get))]
        }
    }
}

pub async fn insert(mut db: impl Exec, p: &Promotion) -> Result<(), db::Error> {
    let [percent_bps, amount, buy_quantity, get_quantity] = benefit_columns(p.benefit);
    let values: [Bind; 22] = [
        p.id.as_str().into(),
        p.name.as_str().into(),
        enum_text(p.class).into(),
        enum_text(BenefitType::of(p.benefit)).into(),
        percent_bps.into(),
        amount.into(),
        buy_quantity.into(),
        get_quantity.into(),
        enum_text(p.trigger).into(),
        p.min_subtotal.into(),
        p.min_quantity.into(),
        enum_text(p.customers).into(),
        p.starts_at.into(),
        p.ends_at.into(),
        i64::from(p.enabled).into(),
        i64::from(p.combines.product).into(),
        i64::from(p.combines.order).into(),
        i64::from(p.combines.shipping).into(),
        p.usage_limit.into(),
        p.per_customer_limit.into(),
        p.created_at.into(),
        p.updated_at.into(),
    ];
    let mut q = sql("promotions.insert", "INSERT INTO promotions (");
    q.push(COLUMNS).push(") VALUES (").push_list(values).push(")");
    q.execute(&mut db).await?;
    insert_targets(db, &p.id, &p.targets).await
}

/// Saves what a change may touch (the class, the kind of benefit and the trigger stay), and
/// replaces the targets.
pub async fn update(mut db: impl Exec, p: &Promotion) -> Result<(), db::Error> {
    let [percent_bps, amount, buy_quantity, get_quantity] = benefit_columns(p.benefit);
    sql(
        "promotions.update",
        "UPDATE promotions SET name = $2, percent_bps = $3, amount = $4, buy_quantity = $5, get_quantity = $6,
           min_subtotal = $7, min_quantity = $8, customers = $9, starts_at = $10, ends_at = $11, enabled = $12,
           combines_product = $13, combines_order = $14, combines_shipping = $15, usage_limit = $16,
           per_customer_limit = $17, updated_at = $18
         WHERE id = $1",
    )
    .bind(&p.id)
    .bind(&p.name)
    .bind(percent_bps)
    .bind(amount)
    .bind(buy_quantity)
    .bind(get_quantity)
    .bind(p.min_subtotal)
    .bind(p.min_quantity)
    .bind(enum_text(p.customers))
    .bind(p.starts_at)
    .bind(p.ends_at)
    .bind(i64::from(p.enabled))
    .bind(i64::from(p.combines.product))
    .bind(i64::from(p.combines.order))
    .bind(i64::from(p.combines.shipping))
    .bind(p.usage_limit)
    .bind(p.per_customer_limit)
    .bind(p.updated_at)
    .execute(&mut db)
    .await?;
    sql("promotions.delete_targets", "DELETE FROM promotion_targets WHERE promotion_id = $1")
        .bind(&p.id)
        .execute(&mut db)
        .await?;
    insert_targets(db, &p.id, &p.targets).await
}

async fn insert_targets(db: impl Exec, id: &str, targets: &[Target]) -> Result<(), db::Error> {
    let head = "INSERT INTO promotion_targets (promotion_id, kind, target_id) VALUES ";
    insert_rows(db, "promotions.insert_targets", head, targets, |t| {
        let (kind, target) = match t {
            Target::Product(id) => ("product", id),
            Target::Category(id) => ("category", id),
        };
        [id.into(), kind.into(), target.as_str().into()]
    })
    .await
}

/// What a listed promotion carries besides its columns: its usage (redemptions used and held,
/// counted from their rows: the promotion's own counter is their sum), its shared code, how many
/// codes.
const DETAIL_COLUMNS: &str = ", \
     (SELECT COUNT(*) FROM promotion_redemptions r WHERE r.promotion_id = promotions.id AND r.status = 'used') AS used, \
     (SELECT COUNT(*) FROM promotion_redemptions r WHERE r.promotion_id = promotions.id AND r.status = 'held') AS held, \
     (SELECT MIN(c.code) FROM promotion_codes c WHERE c.promotion_id = promotions.id AND c.usage_limit IS NULL) AS shared_code, \
     (SELECT COUNT(*) FROM promotion_codes c WHERE c.promotion_id = promotions.id) AS codes_count";

pub async fn find(mut db: impl Exec, id: &str) -> Result<Option<PromotionDetail>, db::Error> {
    let mut q = sql("promotions.find", "SELECT ");
    q.push(COLUMNS).push(DETAIL_COLUMNS).push(" FROM promotions WHERE id = ").push_bind(id);
    let rows: Vec<DetailRow> = q.fetch_all(&mut db).await?;
    Ok(complete(db, rows).await?.pop())
}

#[derive(FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    promotion: PromotionRow,
    used: i64,
    held: i64,
    shared_code: Option<String>,
    codes_count: i64,
}

/// Oldest first; `limit + 1` rows.
pub async fn list(mut db: impl Exec, page: &PageRequest) -> Result<Vec<PromotionDetail>, db::Error> {
    let (at, id) = page.after.as_ref().map_or((i64::MIN, ""), |c| (c.at, c.id.as_str()));
    let mut q = sql("promotions.list", "SELECT ");
    q.push(COLUMNS)
        .push(DETAIL_COLUMNS)
        .push(" FROM promotions WHERE created_at > ")
        .push_bind(at)
        .push(" OR (created_at = ")
        .push_bind(at)
        .push(" AND id > ")
        .push_bind(id)
        .push(") ORDER BY created_at, id LIMIT ")
        .push_bind(page.limit + 1);
    let rows: Vec<DetailRow> = q.fetch_all(&mut db).await?;
    complete(db, rows).await
}

/// Every enabled promotion, with its targets, oldest first.
pub async fn all_enabled(mut db: impl Exec) -> Result<Vec<Promotion>, db::Error> {
    let mut q = sql("promotions.all_enabled", "SELECT ");
    q.push(COLUMNS).push(" FROM promotions WHERE enabled = 1 ORDER BY created_at, id");
    let rows: Vec<PromotionRow> = q.fetch_all(&mut db).await?;
    let mut targets = targets_of(db, rows.iter().map(|r| r.id.as_str())).await?;
    rows.into_iter()
        .map(|r| {
            let t = targets.remove(&r.id).unwrap_or_default();
            r.into_promotion(t)
        })
        .collect()
}

/// The shared codes of the enabled promotions: (code, promotion id).
pub async fn shared_codes_of_enabled(db: impl Exec) -> Result<Vec<(String, String)>, db::Error> {
    sql(
        "promotions.shared_codes",
        "SELECT c.code, c.promotion_id FROM promotion_codes c JOIN promotions p ON p.id = c.promotion_id
         WHERE p.enabled = 1 AND c.usage_limit IS NULL",
    )
    .fetch_all(db)
    .await
}

/// The promotions of `rows` with their targets.
async fn complete(db: impl Exec, rows: Vec<DetailRow>) -> Result<Vec<PromotionDetail>, db::Error> {
    let mut targets = targets_of(db, rows.iter().map(|r| r.promotion.id.as_str())).await?;
    rows.into_iter()
        .map(|r| {
            let t = targets.remove(&r.promotion.id).unwrap_or_default();
            Ok(PromotionDetail {
                promotion: r.promotion.into_promotion(t)?,
                usage: Usage { used: r.used, held: r.held },
                code: r.shared_code,
                codes_count: r.codes_count,
            })
        })
        .collect()
}

/// The targets of each of `ids` (one statement for all of them).
async fn targets_of<'a>(
    db: impl Exec,
    ids: impl ExactSizeIterator<Item = &'a str>,
) -> Result<HashMap<String, Vec<Target>>, db::Error> {
    let mut targets: HashMap<String, Vec<Target>> = HashMap::new();
    if ids.len() == 0 {
        return Ok(targets);
    }
    let mut q = sql(
        "promotions.targets_of",
        "SELECT promotion_id, kind, target_id FROM promotion_targets WHERE promotion_id IN (",
    );
    q.push_list(ids).push(") ORDER BY kind DESC, target_id");
    for (promotion, kind, id) in q.fetch_all::<(String, String, String)>(db).await? {
        let target = if kind == "category" { Target::Category(id) } else { Target::Product(id) };
        targets.entry(promotion).or_default().push(target);
    }
    Ok(targets)
}

pub async fn delete(db: impl Exec, id: &str) -> Result<bool, db::Error> {
    // Its targets and codes go with it (ON DELETE CASCADE).
    let done = sql("promotions.delete", "DELETE FROM promotions WHERE id = $1").bind(id).execute(db).await?;
    Ok(done == 1)
}

/// A promotion's code: shared (`usage_limit` none) or single-use (1), and its usage.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CodeRow {
    pub code: String,
    pub promotion_id: String,
    pub usage_limit: Option<i64>,
    pub used: i64,
    pub held: i64,
    pub created_at: i64,
}

pub async fn insert_codes(
    db: impl Exec,
    promotion_id: &str,
    codes: &[String],
    usage_limit: Option<i64>,
    now: i64,
) -> Result<(), db::Error> {
    let head =
        "INSERT INTO promotion_codes (code, promotion_id, usage_limit, used, held, created_at) VALUES ";
    insert_rows(db, "promotions.insert_codes", head, codes, |code| {
        [
            code.as_str().into(),
            promotion_id.into(),
            usage_limit.into(),
            0_i64.into(),
            0_i64.into(),
            now.into(),
        ]
    })
    .await
}

/// A promotion's codes in the order made, after the code `after`; `limit + 1` rows.
pub async fn codes(
    db: impl Exec,
    promotion_id: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<CodeRow>, db::Error> {
    sql(
        "promotions.codes",
        "SELECT code, promotion_id, usage_limit, used, held, created_at FROM promotion_codes
         WHERE promotion_id = $1 AND code > $2 ORDER BY code LIMIT $3",
    )
    .bind(promotion_id)
    .bind(after)
    .bind(limit + 1)
    .fetch_all(db)
    .await
}

pub async fn count_codes(db: impl Exec, promotion_id: &str) -> Result<i64, db::Error> {
    sql("promotions.count_codes", "SELECT COUNT(*) FROM promotion_codes WHERE promotion_id = $1")
        .bind(promotion_id)
        .scalar_one(db)
        .await
}
