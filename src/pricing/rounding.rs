//! The one place an exact amount becomes whole minor units.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Basis points in a whole: 10,000 bps = 100%.
pub const BPS: i128 = 10_000;

/// How an exact amount that falls between two minor units is rounded. Half-up (away from zero
/// on a tie; amounts here are never negative) is what tax authorities and shoppers expect and the
/// default; half-even (banker's) is there for shops whose accountants ask for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    HalfUp,
    HalfEven,
}

impl Rounding {
    /// `numerator / denominator` in whole units; both non-negative, the denominator positive.
    pub fn round(self, numerator: i128, denominator: i128) -> i128 {
        debug_assert!(numerator >= 0 && denominator > 0, "{numerator} / {denominator}");
        let (quotient, remainder) = (numerator / denominator, numerator % denominator);
        let up = match (2 * remainder).cmp(&denominator) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => self == Self::HalfUp || quotient % 2 == 1,
        };
        quotient + i128::from(up)
    }
}

/// Splits `total` over `weights` in proportion, in whole units, so that the parts add up to
/// `total` exactly (the largest-remainder method): each part gets the whole units of its exact
/// share, and the units left over go one each to the parts with the largest remainders, the
/// earlier part first on a tie. With every weight zero, the parts are as equal as they can be.
/// `total` and the weights are non-negative.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 {
        return allocate(total, &vec![1; weights.len()]);
    }
    let shares: Vec<(i128, i128)> = weights
        .iter()
        .map(|&w| {
            let exact = i128::from(total) * i128::from(w);
            (exact / sum, exact % sum)
        })
        .collect();
    // Each whole share is at most `total` (a weight is at most the sum), so it fits.
    let mut parts: Vec<i64> = shares.iter().map(|&(whole, _)| whole as i64).collect();
    let left = total - parts.iter().sum::<i64>();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|&a, &b| shares[b].1.cmp(&shares[a].1).then(a.cmp(&b)));
    for &i in by_remainder.iter().take(usize::try_from(left).unwrap_or(0)) {
        parts[i] += 1;
    }
    parts
}
