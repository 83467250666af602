//! What a cart is offered: every automatic promotion, and the promotions of the codes on it,
//! each with whether its limits are used up, and what the engine needs to know of the buyer.
//! Definitions come from a copy kept a moment in memory; usage counters, codes and the buyer's
//! history are read afresh, and only when some promotion needs them.

use std::{collections::HashMap, sync::Arc};

use super::{
    model::{Customers, Promotion, Trigger},
    redemption_store, slot_store, store,
};
use crate::{
    db::{self, Exec},
    recent::RecentValue,
};

/// Every enabled promotion, as carts are priced against, with their shared codes: read once and
/// kept a moment, like `regions::RegionCache`, and forgotten at once on a promotion write
/// through this process.
pub type PromotionCache = RecentValue<Enabled>;

#[derive(Debug, Default)]
pub struct Enabled {
    promotions: Vec<Promotion>,
    /// Each enabled promotion's shared code, and the promotion's place in `promotions`.
    shared_codes: HashMap<String, usize>,
}

impl Enabled {
    async fn load(mut db: impl Exec) -> Result<Self, db::Error> {
        let promotions = store::all_enabled(&mut db).await?;
        let codes = store::shared_codes_of_enabled(db).await?;
        let shared_codes = codes
            .into_iter()
            .filter_map(|(code, id)| promotions.iter().position(|p| p.id == id).map(|at| (code, at)))
            .collect();
        Ok(Self { promotions, shared_codes })
    }
}

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

/// When a promotion's total limit is looked at: a cart shows whether each has room; at checkout
/// the hold counts a code's promotion by a guarded update anyway, and refuses a used-up one with
/// the same answer as the cart would (`usage_limit_reached`), so only automatic promotions are
/// looked at beforehand (they must not refuse a checkout the cart showed them in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitCheck {
    Every,
    AutomaticOnly,
}

/// What `codes` and the automatic promotions offer `buyer`.
pub async fn offered(
    mut db: impl Exec,
    cache: &PromotionCache,
    codes: &[String],
    buyer: Buyer<'_>,
    limits: LimitCheck,
) -> Result<Offered, db::Error> {
    let enabled: Arc<Enabled> = cache.get(|| Enabled::load(&mut db)).await?;
    let all = &enabled.promotions;
    let mut candidates: Vec<Candidate> = all
        .iter()
        .filter(|p| p.trigger == Trigger::Automatic)
        .map(|p| Candidate { promotion: p.clone(), code: None, code_limited: false, limit_reached: false })
        .collect();
    let mut unknown_codes = Vec::new();
    // A shared code is known from the kept promotions; others (single-use, or a promotion made
    // or disabled a moment ago) are read.
    let others: Vec<String> =
        codes.iter().filter(|c| !enabled.shared_codes.contains_key(*c)).cloned().collect();
    let rows = redemption_store::codes(&mut db, &others).await?;
    for code in codes {
        if let Some(promotion) = enabled.shared_codes.get(code).and_then(|&at| all.get(at)) {
            let code = Some(code.clone());
            candidates.push(Candidate {
                promotion: promotion.clone(),
                code,
                code_limited: false,
                limit_reached: false,
            });
            continue;
        }
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
    let looked_at = |c: &Candidate| {
        c.promotion.usage_limit.is_some() && (limits == LimitCheck::Every || c.code.is_none())
    };
    let limited: Vec<&str> =
        candidates.iter().filter(|c| looked_at(c)).map(|c| c.promotion.id.as_str()).collect();
    let with_room = slot_store::with_room(&mut db, &limited).await?;
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
    for c in &mut candidates {
        let no_room = looked_at(c) && !with_room.contains(&c.promotion.id);
        let p = &c.promotion;
        let by_customer = customer_usage.get(&p.id).map_or(0, |u| u.used + u.held);
        c.limit_reached |= no_room || p.per_customer_limit.is_some_and(|l| by_customer >= l);
    }
    let asks_history = key.is_some() && candidates.iter().any(|c| c.promotion.customers == Customers::New);
    Ok(Offered { candidates, unknown_codes, asks_history })
}
