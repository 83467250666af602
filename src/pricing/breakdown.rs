//! A cart's or an order's amounts, from its lines and its shipping to its total.

use serde::Serialize;

use super::{
    rounding::Rounding,
    tax::{Rate, TaxLine, TaxMode, TaxRounding, TaxedAmount, tax},
};

/// Something charged, before tax: a line (unit price × quantity) or the shipping, the discount
/// on it, and the rates of its tax class in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub amount: i64,
    pub discount: i64,
    pub rates: Vec<Rate>,
}

/// A charge, priced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Priced {
    /// Before discounts.
    pub amount: i64,
    /// At most `amount`.
    pub discount: i64,
    pub tax_lines: Vec<TaxLine>,
    /// The sum of `tax_lines`: included in `total` when the region's prices include tax,
    /// added to it when they do not.
    pub tax: i64,
    /// What the shopper pays for it: `amount - discount`, plus `tax` when exclusive.
    pub total: i64,
}

/// The amounts of a cart or an order. `total = subtotal - discount_total + shipping_total`,
/// plus `tax_total` when the prices exclude tax; each total is the sum of its lines'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub items: Vec<Priced>,
    pub shipping: Option<Priced>,
    /// The items before discounts.
    pub subtotal: i64,
    /// Discounts on items and on shipping.
    pub discount_total: i64,
    /// Shipping before its discount.
    pub shipping_total: i64,
    pub tax_total: i64,
    /// Whether `tax_total` is part of the other amounts (inclusive) or on top of them.
    pub tax_included: bool,
    pub total: i64,
}

/// Prices `items` and `shipping` in one order of operations: amounts, discounts (each cut to
/// its amount), tax on what is left, totals. Amounts and discounts are non-negative.
pub fn price(
    items: &[Charge],
    shipping: Option<&Charge>,
    mode: TaxMode,
    level: TaxRounding,
    rounding: Rounding,
) -> Breakdown {
    let charges: Vec<&Charge> = items.iter().chain(shipping).collect();
    let taxed: Vec<TaxedAmount> = charges
        .iter()
        .map(|c| TaxedAmount { amount: c.amount - c.discount.min(c.amount), rates: c.rates.clone() })
        .collect();
    let mut priced: Vec<Priced> = charges
        .iter()
        .zip(&taxed)
        .zip(tax(&taxed, mode, level, rounding))
        .map(|((charge, taxed), tax_lines)| {
            let tax: i64 = tax_lines.iter().map(|l| l.amount).sum();
            let on_top = if mode == TaxMode::Exclusive { tax } else { 0 };
            Priced {
                amount: charge.amount,
                discount: charge.discount.min(charge.amount),
                tax_lines,
                tax,
                total: taxed.amount + on_top,
            }
        })
        .collect();
    let shipping = shipping.and_then(|_| priced.pop());
    let sum = |f: fn(&Priced) -> i64| priced.iter().chain(&shipping).map(f).sum::<i64>();
    Breakdown {
        subtotal: priced.iter().map(|p| p.amount).sum(),
        discount_total: sum(|p| p.discount),
        shipping_total: shipping.as_ref().map_or(0, |s| s.amount),
        tax_total: sum(|p| p.tax),
        tax_included: mode == TaxMode::Inclusive,
        total: sum(|p| p.total),
        items: priced,
        shipping,
    }
}
