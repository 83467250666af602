//! Tax on amounts, in either mode, rounded per line or per total.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rounding::{BPS, Rounding, allocate};

/// Whether a region's prices hold their tax (EU VAT, UK, Australian GST: the shelf price is
/// what the shopper pays) or have it added on top (US sales tax).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    Exclusive,
    Inclusive,
}

/// Where tax is rounded: on each amount (the default), or once on the sum of the amounts that
/// share the same rates, then spread back over them by largest remainder, so the lines still
/// add up to the total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    #[default]
    PerLine,
    PerTotal,
}

/// A rate that applies to an amount: its name as the shopper sees it ("VAT", "CA state tax")
/// and its rate in basis points (1900 = 19.00%).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate {
    pub name: String,
    pub bps: u32,
}

/// An amount to tax (after its discounts), with the rates its tax class has in the region. In
/// an inclusive region the amount holds its tax. The rates of one amount add up to at most
/// 100% (the region's rules refuse more), so an inclusive amount's tax never exceeds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxedAmount {
    pub amount: i64,
    pub rates: Vec<Rate>,
}

/// One rate's tax on one amount, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub name: String,
    pub rate_bps: u32,
    pub amount: i64,
}

/// Each amount's tax lines, in the order of `amounts`, each in the order of its rates.
///
/// An amount's tax is its combined rate applied once (a US sale taxed at 8.875% is one
/// rounding, not three) and then split over its rates by largest remainder: each amount's tax
/// is within half a minor unit of the exact value (per total: each group's tax), and each
/// rate's share within one and a half. The exact tax is `amount × rate / 10,000` when exclusive, and
/// `amount × rate / (10,000 + the amount's combined rate)` when inclusive (the part of a gross
/// amount that is tax).
pub fn tax(
    amounts: &[TaxedAmount],
    mode: TaxMode,
    level: TaxRounding,
    rounding: Rounding,
) -> Vec<Vec<TaxLine>> {
    let whole = |amount: i64, rates: &[Rate]| {
        let combined = combined_bps(rates);
        let denominator = match mode {
            TaxMode::Exclusive => BPS,
            TaxMode::Inclusive => BPS + combined,
        };
        // At most the amount times the combined rate over a denominator at least as large.
        rounding.round(i128::from(amount) * combined, denominator) as i64
    };
    let totals: Vec<i64> = match level {
        TaxRounding::PerLine => amounts.iter().map(|t| whole(t.amount, &t.rates)).collect(),
        TaxRounding::PerTotal => {
            let mut groups: BTreeMap<Vec<Rate>, Vec<usize>> = BTreeMap::new();
            for (i, t) in amounts.iter().enumerate() {
                let mut key = t.rates.clone();
                key.sort();
                groups.entry(key).or_default().push(i);
            }
            let mut totals = vec![0; amounts.len()];
            for (rates, members) in groups {
                let weights: Vec<i64> = members.iter().map(|&i| amounts[i].amount).collect();
                let group_tax = whole(weights.iter().sum(), &rates);
                for (&i, share) in members.iter().zip(allocate(group_tax, &weights)) {
                    totals[i] = share;
                }
            }
            totals
        }
    };
    amounts.iter().zip(totals).map(|(t, total)| split(total, &t.rates)).collect()
}

fn combined_bps(rates: &[Rate]) -> i128 {
    rates.iter().map(|r| i128::from(r.bps)).sum()
}

/// An amount's tax shared over its rates in proportion to them.
fn split(total: i64, rates: &[Rate]) -> Vec<TaxLine> {
    let weights: Vec<i64> = rates.iter().map(|r| i64::from(r.bps)).collect();
    rates
        .iter()
        .zip(allocate(total, &weights))
        .map(|(r, amount)| TaxLine { name: r.name.clone(), rate_bps: r.bps, amount })
        .collect()
}
