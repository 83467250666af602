//! What a cart is offered: every automatic promotion, and the promotions of the codes on it,
//! each with whether its limits are used up, and what the engine needs to know of the buyer.
//! Definitions come from a copy kept a moment in memory; usage counters, codes and the buyer's
//! history are read afresh, and only when some promotion needs them.

use std::{collections::HashMap, sync::Arc};

use super::{
    model::{Customers, Promotion, Trigger, Usage},
    redemption_store, store,
};
use crate::{
    db::{self, Exec},
    recent::RecentValue,
};

/// Every enabled promotion, as carts are priced against: read once and kept a moment, like
/// `regions::RegionCache`, and forgotten at once on a promotion write through this process.
pub type PromotionCache = RecentValue<Vec<Promotion>>;

/// Who is buying, as far as is known: a signed-in customer, and at checkout the email.
#[derive(Debug, Clone, Copy, Default)]
pub struct Buyer<'a> {
    pub customer_id: Option<&'a str>,
    pub email: Option<&'a str>,
}

impl Buyer<'_> {
    /// What a per-customer limit counts by: the customer, or a guest's email (lower case).
    pub fn key(&self) -> Option<String> {
        match (self.customer_id, self.email) {
            (Some(id), _) => Some(format!("customer:{id}")),
            (None, Some(email)) => Some(format!("email:{}", email.trim().to_lowercase())),
            (None, None) => None,
        }
    }
}

/// A promotion offered to a cart, owned.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub promotion: Promotion,
    /// The code it came by; `None` for an automatic one.
    pub code: Option<String>,
    /// Whether the code has a limit of its own (a single-use code).
    pub code_limited: bool,
    pub limit_reached: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Offered {
    pub candidates: Vec<Candidate>,
    /// The cart's codes that are no promotion's.
    pub unknown_codes: Vec<String>,
    /// Whether some promotion is for new customers only and the buyer is known: the caller
    /// then asks whether they have had a paid order (the orders are another domain's).
    pub asks_history: bool,
}

/// What `codes` and the automatic promotions offer `buyer`.
pub async fn offered(
    mut db: impl Exec,
    cache: &PromotionCache,
    codes: &[String],
    buyer: Buyer<'_>,
) -> Result<Offered, db::Error> {
    let all: Arc<Vec<Promotion>> = cache.get(|| store::all_enabled(&mut db)).await?;
    let mut candidates: Vec<Candidate> = all
        .iter()
        .filter(|p| p.trigger == Trigger::Automatic)
        .map(|p| Candidate { promotion: p.clone(), code: None, code_limited: false, limit_reached: false })
        .collect();
    let mut unknown_codes = Vec::new();
    let rows = redemption_store::codes(&mut db, codes).await?;
    for code in codes {
        let Some(row) = rows.iter().find(|r| &r.code == code) else {
            unknown_codes.push(code.clone());
            continue;
        };
        let promotion = match all.iter().find(|p| p.id == row.promotion_id) {
            Some(p) => p.clone(),
            // Disabled (the engine says so), or made by another process a moment ago.
            None => match store::find(&mut db, &row.promotion_id).await? {
                Some(found) => found.promotion,
                None => {
                    unknown_codes.push(code.clone());
                    continue;
                }
            },
        };
        let code_used_up = row.usage_limit.is_some_and(|l| row.used + row.held >= l);
        candidates.push(Candidate {
            promotion,
            code: Some(code.clone()),
            code_limited: row.usage_limit.is_some(),
            limit_reached: code_used_up,
        });
    }
    let limited: Vec<&str> = candidates
        .iter()
        .filter(|c| c.promotion.usage_limit.is_some())
        .map(|c| c.promotion.id.as_str())
        .collect();
    let usage = redemption_store::usage(&mut db, &limited).await?;
    let key = buyer.key();
    let per_customer: Vec<&str> = candidates
        .iter()
        .filter(|c| c.promotion.per_customer_limit.is_some() && key.is_some())
        .map(|c| c.promotion.id.as_str())
        .collect();
    let customer_usage = match &key {
        Some(key) => redemption_store::customer_usage(&mut db, key, &per_customer).await?,
        None => HashMap::new(),
    };
    let reached = |limit: Option<i64>, usage: Option<&Usage>| {
        limit.is_some_and(|l| usage.map_or(0, |u| u.used + u.held) >= l)
    };
    for c in &mut candidates {
        let p = &c.promotion;
        c.limit_reached |= reached(p.usage_limit, usage.get(&p.id))
            || reached(p.per_customer_limit, customer_usage.get(&p.id));
    }
    let asks_history = key.is_some() && candidates.iter().any(|c| c.promotion.customers == Customers::New);
    Ok(Offered { candidates, unknown_codes, asks_history })
}
