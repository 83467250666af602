//! Promotions (issue 22): discount codes and automatic discounts. A promotion takes a
//! percentage or an amount off the qualifying lines, the order or the shipping, or gives free
//! shipping, or the cheapest of every few units; under conditions (a window, minimums, targets,
//! who the customer is) and limits (redemptions in all and per customer), combined with others
//! only where both agree. `engine` decides what a cart gets; it is pure.

pub mod engine;
#[cfg(test)]
mod engine_tests;
pub mod model;
mod offers;
mod redeem;
mod redemption_store;
pub mod routes;
mod rules;
mod slot_store;
mod store;
pub mod views;

pub use engine::{Applied, Basket, Line, Offer, Outcome, evaluate};
pub use model::{
    Benefit, Class, Combines, Customers, Promotion, PromotionDetail, Refusal, Target, Trigger, Usage,
};
pub use offers::{Buyer, Candidate, LimitCheck, Offered, PromotionCache, offered};
pub use redeem::{Held, Redemption, hold, not_applicable, settle, unknown_code};
pub use redemption_store::RedemptionRow;
pub use rules::{BenefitType, PromotionInput, normalise_code};
pub use store::CodeRow;

use crate::{
    catalog::products::unknown_products_and_categories,
    db::{Db, Exec, is_unique_violation, retry_transient},
    error::{ApiError, FieldError},
    ids,
    page::PageRequest,
    time,
};

/// Most codes one request may generate, and one promotion may have.
pub const MAX_CODES_PER_REQUEST: i64 = 1_000;
pub const MAX_CODES: i64 = 100_000;

/// A new promotion; with `code`, its shared code (for a `code` promotion only).
pub async fn create_promotion(
    db: &Db,
    currency: &str,
    input: PromotionInput,
    code: Option<&str>,
) -> Result<PromotionDetail, ApiError> {
    let now = time::now_ms();
    let id = ids::new_id("promo");
    let base = Promotion::new(id, String::new(), Class::Order, Benefit::FreeShipping, Trigger::Code, now);
    let checked = rules::apply(&input, base, true, currency);
    let code = match code.map(normalise_code) {
        Some(Err(message)) => Some(Err(ApiError::field("code", message))),
        Some(Ok(_)) if matches!(&checked, Ok(p) if p.trigger == Trigger::Automatic) => {
            Some(Err(ApiError::field("code", "is only for a `code` promotion")))
        }
        other => other.map(|c| c.map_err(|m| ApiError::field("code", m))),
    };
    let promotion = &checked?;
    let code = code.transpose()?;
    let code = code.as_deref();
    let id = promotion.id.as_str();
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        check_targets(&mut tx, promotion).await?;
        store::insert(&mut tx, promotion).await?;
        slot_store::create(&mut tx, id, promotion.usage_limit).await?;
        if let Some(code) = code {
            store::insert_codes(&mut tx, id, &[code.to_owned()], None, now).await.map_err(code_conflict)?;
        }
        let detail = detail(&mut tx, id).await?;
        tx.commit().await?;
        Ok(detail)
    })
    .await
}

pub async fn update_promotion(
    db: &Db,
    currency: &str,
    id: &str,
    input: PromotionInput,
) -> Result<PromotionDetail, ApiError> {
    let now = time::now_ms();
    let input = &input;
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        let current = store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        let before = (current.promotion.usage_limit, current.promotion.per_customer_limit);
        let mut promotion = rules::apply(input, current.promotion, false, currency)?;
        promotion.updated_at = now;
        check_targets(&mut tx, &promotion).await?;
        store::update(&mut tx, &promotion).await?;
        // A limit set now counts what was redeemed before, and what checkouts hold right now:
        // the slots' locks wait for those.
        let limit_changed = promotion.usage_limit != before.0;
        let customers_counted_now = promotion.per_customer_limit.is_some() && before.1.is_none();
        if limit_changed || customers_counted_now {
            let slots = slot_store::lock(&mut tx, id).await?;
            if limit_changed {
                slot_store::set_limit(&mut tx, id, &slots, promotion.usage_limit).await?;
            }
            if customers_counted_now {
                redemption_store::count_customers(&mut tx, id).await?;
            }
        }
        let detail = detail(&mut tx, id).await?;
        tx.commit().await?;
        Ok(detail)
    })
    .await
}

pub async fn get_promotion(db: &Db, id: &str) -> Result<PromotionDetail, ApiError> {
    detail(db, id).await
}

/// Oldest first; `limit + 1` promotions.
pub async fn list_promotions(db: &Db, page: &PageRequest) -> Result<Vec<PromotionDetail>, ApiError> {
    Ok(store::list(db, page).await?)
}

/// Deletes a promotion that was never redeemed, with its codes; one that was (even by a checkout
/// whose payment then failed) is disabled instead, so the orders that used it keep their
/// history (`409 promotion_redeemed`).
pub async fn delete_promotion(db: &Db, id: &str) -> Result<(), ApiError> {
    retry_transient(|| async move {
        let mut tx = db.begin().await?;
        store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
        // Released ones too: the orders that tried it keep their history.
        if redemption_store::any_for(&mut tx, id).await? {
            return Err(ApiError::conflict(
                "promotion_redeemed",
                "This promotion has been redeemed; disable it instead (`enabled: false`).",
            ));
        }
        store::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// `count` new single-use codes for a `code` promotion, each `prefix` and 10 random characters.
pub async fn generate_codes(db: &Db, id: &str, count: i64, prefix: &str) -> Result<Vec<String>, ApiError> {
    let prefix = rules::normalise_prefix(prefix).map_err(|m| ApiError::field("prefix", m))?;
    if !(1..=MAX_CODES_PER_REQUEST).contains(&count) {
        return Err(ApiError::field("count", format!("must be between 1 and {MAX_CODES_PER_REQUEST}")));
    }
    let now = time::now_ms();
    let prefix = prefix.as_str();
    // 31^10 possible codes: a clash is next to impossible; the whole batch is then made again.
    for _ in 0..3 {
        let codes = &(0..count).map(|_| rules::generate_code(prefix)).collect::<Vec<String>>();
        let made = retry_transient(|| async move {
            let mut tx = db.begin().await?;
            let found = store::find(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
            if found.promotion.trigger != Trigger::Code {
                return Err(ApiError::conflict(
                    "promotion_is_automatic",
                    "An automatic promotion has no codes.",
                ));
            }
            if store::count_codes(&mut tx, id).await? + count > MAX_CODES {
                let detail = format!("A promotion has at most {MAX_CODES} codes.");
                return Err(ApiError::conflict("too_many_codes", detail));
            }
            store::insert_codes(&mut tx, id, codes, Some(1), now).await.map_err(code_conflict)?;
            tx.commit().await?;
            Ok(())
        })
        .await;
        match made {
            Err(e) if e.code() == "promotion_code_taken" => continue,
            Err(e) => return Err(e),
            Ok(()) => return Ok(codes.clone()),
        }
    }
    Err(ApiError::internal("three batches of random codes clashed with existing ones"))
}

/// A promotion's codes by code, after `after`; `limit + 1` rows.
/// A shared code is counted by its promotion (only single-use codes have counters of their own),
/// so it shows the promotion's usage.
pub async fn list_codes(db: &Db, id: &str, after: &str, limit: i64) -> Result<Vec<CodeRow>, ApiError> {
    let mut conn = db.acquire().await?;
    let found = store::find(&mut conn, id).await?.ok_or_else(ApiError::not_found)?;
    let mut rows = store::codes(&mut conn, id, after, limit).await?;
    for shared in rows.iter_mut().filter(|r| r.usage_limit.is_none()) {
        (shared.used, shared.held) = (found.usage.used, found.usage.held);
    }
    Ok(rows)
}

/// A promotion's redemptions, newest first (`status`: `held`, `used` or `released`, if given);
/// `limit + 1` rows.
pub async fn list_redemptions(
    db: &Db,
    id: &str,
    status: Option<&str>,
    page: &PageRequest,
) -> Result<Vec<RedemptionRow>, ApiError> {
    let mut conn = db.acquire().await?;
    store::find(&mut conn, id).await?.ok_or_else(ApiError::not_found)?;
    let after = page.after.as_ref().map(|c| (c.at, c.id.as_str()));
    Ok(redemption_store::list(&mut conn, id, status, after, page.limit).await?)
}

async fn detail(db: impl Exec, id: &str) -> Result<PromotionDetail, ApiError> {
    store::find(db, id).await?.ok_or_else(ApiError::not_found)
}

/// Refuses targets that are not products or categories, each named by its field.
async fn check_targets(db: impl Exec, p: &Promotion) -> Result<(), ApiError> {
    let (mut products, mut categories) = (Vec::new(), Vec::new());
    for target in &p.targets {
        match target {
            Target::Product(id) => products.push(id.clone()),
            Target::Category(id) => categories.push(id.clone()),
        }
    }
    let (unknown_products, unknown_categories) =
        unknown_products_and_categories(db, &products, &categories).await?;
    let named = |field: &str, ids: &[String], unknown: &[String], what: &str| -> Vec<FieldError> {
        ids.iter()
            .enumerate()
            .filter(|(_, id)| unknown.contains(id))
            .map(|(i, _)| FieldError {
                field: format!("{field}[{i}]"),
                message: format!("is not an existing {what}"),
            })
            .collect()
    };
    let mut errors = named("product_ids", &products, &unknown_products, "product");
    errors.extend(named("category_ids", &categories, &unknown_categories, "category"));
    if errors.is_empty() { Ok(()) } else { Err(ApiError::validation(errors)) }
}

fn code_conflict(e: crate::db::Error) -> ApiError {
    // The statement writes only `promotion_codes`, whose one unique key is the code (MariaDB
    // names it `PRIMARY`).
    if is_unique_violation(&e, &["promotion_codes_pkey", "promotion_codes.code", "PRIMARY"]) {
        ApiError::conflict("promotion_code_taken", "Another promotion already has this code.")
    } else {
        e.into()
    }
}
