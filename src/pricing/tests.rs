//! Hand-computed cases from real tax regimes, the peers' known bugs with Oxcart's answer, and
//! properties over random carts, rates and modes.

use proptest::prelude::*;

use super::*;

fn rate(name: &str, bps: u32) -> Rate {
    Rate { name: name.to_owned(), bps }
}

fn charge(amount: i64, discount: i64, rates: &[Rate]) -> Charge {
    Charge { amount, discount, rates: rates.to_vec() }
}

fn one(amount: i64, rates: &[Rate], mode: TaxMode) -> Vec<TaxLine> {
    let amounts = [TaxedAmount { amount, rates: rates.to_vec() }];
    tax(&amounts, mode, TaxRounding::PerLine, Rounding::HalfUp).remove(0)
}

fn amounts(lines: &[TaxLine]) -> Vec<i64> {
    lines.iter().map(|l| l.amount).collect()
}

#[test]
fn inclusive_vat_is_the_part_of_the_gross_that_is_tax() {
    let uk = [rate("VAT", 2000)];
    // £12.00 at 20%: 12.00 × 20/120 = 2.00 of it is VAT.
    assert_eq!(amounts(&one(1200, &uk, TaxMode::Inclusive)), [200]);
    // £9.99: 1.665 rounds half up to 1.67; the net is 8.32.
    assert_eq!(amounts(&one(999, &uk, TaxMode::Inclusive)), [167]);
    // Germany, 19%: €19.99 × 19/119 = 3.1917 → 3.19 (net 16.80); 7% on €4.99: 0.3264 → 0.33.
    assert_eq!(amounts(&one(1999, &[rate("MwSt", 1900)], TaxMode::Inclusive)), [319]);
    assert_eq!(amounts(&one(499, &[rate("MwSt", 700)], TaxMode::Inclusive)), [33]);
    // Australia, GST 10%: A$11.00 holds A$1.00.
    assert_eq!(amounts(&one(1100, &[rate("GST", 1000)], TaxMode::Inclusive)), [100]);
}

#[test]
fn us_sales_tax_is_added_once_at_the_combined_rate_then_split_by_jurisdiction() {
    // California's 7.25% on $19.99: 1.449275 → 1.45.
    assert_eq!(amounts(&one(1999, &[rate("CA", 725)], TaxMode::Exclusive)), [145]);
    // New York City, 8.875% = state 4% + city 4.5% + MCTD 0.375%, on $19.99: 1.7741 → 1.77 in
    // all, shared 0.80 + 0.90 + 0.07 (rounding each rate on its own would say 1.77 here too,
    // but not in general: the shares are cut from one rounded total so they cannot drift).
    let nyc = [rate("NY state", 400), rate("NYC", 450), rate("MCTD", 37)];
    let lines = one(1999, &nyc, TaxMode::Exclusive);
    assert_eq!(lines.iter().map(|l| l.amount).sum::<i64>(), 177);
    assert_eq!(amounts(&lines), [80, 90, 7]);
}

#[test]
fn rounding_per_total_rounds_each_rate_once_and_the_lines_still_add_up() {
    // Three 5-cent items at 10%: per line each 0.005 rounds up to 0.01 (0.03 in all); per total
    // 0.015 rounds to 0.02, spread 0.01 + 0.01 + 0.00.
    let lines: Vec<Charge> = (0..3).map(|_| charge(5, 0, &[rate("Tax", 1000)])).collect();
    let per_line = price(&lines, None, TaxMode::Exclusive, TaxRounding::PerLine, Rounding::HalfUp);
    let per_total = price(&lines, None, TaxMode::Exclusive, TaxRounding::PerTotal, Rounding::HalfUp);
    assert_eq!(per_line.tax_total, 3);
    assert_eq!(per_total.tax_total, 2);
    assert_eq!(per_total.items.iter().map(|p| p.tax).collect::<Vec<_>>(), [1, 1, 0]);
}

#[test]
fn half_even_rounds_ties_to_the_even_unit() {
    assert_eq!(Rounding::HalfUp.round(5, 2), 3);
    assert_eq!(Rounding::HalfEven.round(5, 2), 2);
    assert_eq!(Rounding::HalfEven.round(7, 2), 4);
    assert_eq!(Rounding::HalfEven.round(251, 100), 3);
    assert_eq!(Rounding::HalfUp.round(249, 100), 2);
}

#[test]
fn tax_is_on_the_discounted_amount_and_shipping_by_its_own_class() {
    // Vendure #1237, Medusa #5776: tax computed on the amount before the discount. A $100.00
    // line with $10.00 off at 20% owes 18.00, not 20.00.
    let vat = [rate("VAT", 2000)];
    let b = price(
        &[charge(10_000, 1_000, &vat)],
        None,
        TaxMode::Exclusive,
        TaxRounding::PerLine,
        Rounding::HalfUp,
    );
    assert_eq!((b.tax_total, b.total), (1_800, 10_800));
    // Inclusive: £100.00 with £10.00 off holds 90.00 × 20/120 = 15.00 of VAT, and costs 90.00.
    let b = price(
        &[charge(10_000, 1_000, &vat)],
        None,
        TaxMode::Inclusive,
        TaxRounding::PerLine,
        Rounding::HalfUp,
    );
    assert_eq!((b.tax_total, b.total, b.tax_included), (1_500, 9_000, true));
    // Shipping at the reduced rate beside goods at the standard one.
    let shipping = charge(500, 0, &[rate("VAT reduced", 500)]);
    let b = price(
        &[charge(2_000, 0, &vat)],
        Some(&shipping),
        TaxMode::Exclusive,
        TaxRounding::PerLine,
        Rounding::HalfUp,
    );
    assert_eq!((b.subtotal, b.shipping_total, b.tax_total, b.total), (2_000, 500, 425, 2_925));
}

#[test]
fn a_discount_spread_over_lines_loses_no_cent() {
    // Vendure #3003/#3091: an order discount spread over lines with lost or extra cents.
    // $10.00 over three equal lines is 3.34 + 3.33 + 3.33, never 3.33 × 3.
    assert_eq!(allocate(1_000, &[1, 1, 1]), [334, 333, 333]);
    assert_eq!(allocate(1_000, &[0, 0]), [500, 500]);
    assert_eq!(allocate(7, &[]), Vec::<i64>::new());
}

#[test]
fn a_discount_larger_than_its_line_stops_at_zero() {
    // Saleor #17453, Medusa #14899: stacked discounts made negative totals.
    let b = price(&[charge(500, 900, &[])], None, TaxMode::Exclusive, TaxRounding::PerLine, Rounding::HalfUp);
    assert_eq!((b.discount_total, b.total), (500, 0));
}

fn rates() -> impl Strategy<Value = Vec<Rate>> {
    // Up to three rates of 0–100% that add up to at most 100%.
    prop::collection::vec(0u32..=5_000, 0..=3).prop_map(|bps| {
        let mut left = 10_000;
        bps.into_iter()
            .enumerate()
            .map(|(i, b)| {
                let b = b.min(left);
                left -= b;
                rate(&format!("R{i}"), b)
            })
            .collect()
    })
}

fn charges() -> impl Strategy<Value = Vec<Charge>> {
    let line = (0i64..=10_000_000, 0i64..=12_000_000, rates()).prop_map(|(a, d, r)| charge(a, d, &r));
    prop::collection::vec(line, 0..=8)
}

fn modes() -> impl Strategy<Value = (TaxMode, TaxRounding, Rounding)> {
    (
        prop_oneof![Just(TaxMode::Exclusive), Just(TaxMode::Inclusive)],
        prop_oneof![Just(TaxRounding::PerLine), Just(TaxRounding::PerTotal)],
        prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)],
    )
}

proptest! {
    #[test]
    fn totals_are_the_sums_of_their_parts_and_never_negative(
        items in charges(),
        shipping in prop::option::of((0i64..=100_000, 0i64..=200_000, rates())),
        (mode, level, rounding) in modes(),
    ) {
        let shipping = shipping.map(|(a, d, r)| charge(a, d, &r));
        let b = price(&items, shipping.as_ref(), mode, level, rounding);
        let all: Vec<&Priced> = b.items.iter().chain(&b.shipping).collect();
        prop_assert_eq!(b.subtotal, items.iter().map(|c| c.amount).sum::<i64>());
        prop_assert_eq!(b.tax_total, all.iter().map(|p| p.tax).sum::<i64>());
        prop_assert_eq!(b.total, all.iter().map(|p| p.total).sum::<i64>());
        let on_top = if mode == TaxMode::Exclusive { b.tax_total } else { 0 };
        prop_assert_eq!(b.total, b.subtotal - b.discount_total + b.shipping_total + on_top);
        for p in &all {
            prop_assert_eq!(p.tax, p.tax_lines.iter().map(|l| l.amount).sum::<i64>());
            prop_assert!(p.discount >= 0 && p.discount <= p.amount);
            prop_assert!(p.tax >= 0 && p.total >= 0 && p.tax_lines.iter().all(|l| l.amount >= 0));
            if mode == TaxMode::Inclusive {
                prop_assert!(p.tax <= p.amount - p.discount, "tax {} in {}", p.tax, p.amount - p.discount);
            }
        }
    }

    #[test]
    fn each_tax_is_within_half_a_unit_of_the_exact_value(
        items in charges(),
        mode in prop_oneof![Just(TaxMode::Exclusive), Just(TaxMode::Inclusive)],
        rounding in prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)],
    ) {
        let b = price(&items, None, mode, TaxRounding::PerLine, rounding);
        for (c, p) in items.iter().zip(&b.items) {
            let combined: i128 = c.rates.iter().map(|r| i128::from(r.bps)).sum();
            let denominator = if mode == TaxMode::Exclusive { BPS } else { BPS + combined };
            let numerator = i128::from(p.amount - p.discount) * combined;
            // |tax - n/d| <= 1/2  <=>  |2·tax·d - 2n| <= d
            prop_assert!((2 * i128::from(p.tax) * denominator - 2 * numerator).abs() <= denominator);
            for (line, r) in p.tax_lines.iter().zip(&c.rates) {
                let exact = i128::from(p.amount - p.discount) * i128::from(r.bps);
                prop_assert!(2 * (i128::from(line.amount) * denominator - exact).abs() < 3 * denominator);
            }
        }
    }

    #[test]
    fn allocations_add_up_and_stay_within_a_unit_of_their_share(
        total in 0i64..=10_000_000_000,
        weights in prop::collection::vec(0i64..=10_000_000, 1..=12),
    ) {
        let parts = allocate(total, &weights);
        prop_assert_eq!(parts.iter().sum::<i64>(), total);
        let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        if sum > 0 {
            for (&part, &w) in parts.iter().zip(&weights) {
                let exact = i128::from(total) * i128::from(w);
                prop_assert!((i128::from(part) * sum - exact).abs() < sum);
            }
        }
    }

    #[test]
    fn inclusive_and_exclusive_agree_on_the_net(
        net in 0i64..=10_000_000,
        bps in 0u32..=10_000,
    ) {
        // A net price taxed on top, then read back as a gross price, holds the same tax
        // within a unit (each side rounds once).
        let r = [rate("VAT", bps)];
        let on_top: i64 = one(net, &r, TaxMode::Exclusive).iter().map(|l| l.amount).sum();
        let within: i64 = one(net + on_top, &r, TaxMode::Inclusive).iter().map(|l| l.amount).sum();
        prop_assert!((on_top - within).abs() <= 1, "{on_top} vs {within}");
    }
}
