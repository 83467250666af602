//! The discount engine: hand-computed cases, the peers' known bugs with Oxcart's answer, and
//! properties over random carts and promotions.

use proptest::prelude::*;

use super::{
    engine::{Basket, Line, Offer, Outcome, evaluate},
    model::{Benefit, Class, Combines, Customers, Promotion, Refusal, Target, Trigger},
};

fn promotion(id: &str, class: Class, benefit: Benefit) -> Promotion {
    Promotion::new(id.to_owned(), id.to_owned(), class, benefit, Trigger::Code, 0)
}

fn line(product: &str, unit_price: i64, quantity: i64) -> Line {
    Line { product_id: product.to_owned(), categories: vec![format!("cat_{product}")], unit_price, quantity }
}

fn run(lines: &[Line], shipping: Option<i64>, promotions: &[Promotion]) -> Outcome {
    let basket = Basket { lines, shipping, signed_in: false, has_ordered: false, now: 1_000 };
    let offers: Vec<Offer> =
        promotions.iter().map(|p| Offer { promotion: p, code: None, limit_reached: false }).collect();
    evaluate(&basket, &offers)
}

const ALL: Combines = Combines { product: true, order: true, shipping: true };

#[test]
fn an_order_discount_is_spread_so_the_lines_add_up_to_it() {
    // Vendure #3003/#3091: an order discount spread over lines lost or doubled cents. 10% of
    // 3 × 3.33 = 9.99 is 1.00 (0.999 rounded once), spread 34/33/33: the lines add up to it.
    let lines = [line("a", 333, 1), line("b", 333, 1), line("c", 333, 1)];
    let out = run(&lines, None, &[promotion("p", Class::Order, Benefit::Percentage { bps: 1000 })]);
    assert_eq!(out.line_discounts, [34, 33, 33]);
    assert_eq!(out.applied[0].total(), 100);
}

#[test]
fn stacked_discounts_never_make_a_line_or_an_order_negative() {
    // Saleor #17453, Medusa #14899: stacked discounts produced free or negative orders. Here
    // each takes at most what the earlier ones left.
    let lines = [line("a", 1000, 1)];
    let mut first = promotion("p1", Class::Product, Benefit::Fixed { amount: 800 });
    first.combines = ALL;
    let mut second = promotion("p2", Class::Order, Benefit::Fixed { amount: 500 });
    second.combines = ALL;
    let out = run(&lines, Some(300), &[first, second]);
    assert_eq!(out.line_discounts, [1000]);
    assert_eq!((out.applied[0].total(), out.applied[1].total()), (800, 200));
    assert_eq!(out.shipping_discount, 0);
}

#[test]
fn a_free_shipping_minimum_is_measured_on_what_the_items_cost_after_discounts() {
    // Saleor #10928: a free-shipping threshold met by the undiscounted subtotal. Items of 60.00
    // with 20% off cost 48.00: a 50.00 minimum is not met.
    let lines = [line("a", 6000, 1)];
    let mut sale = promotion("sale", Class::Product, Benefit::Percentage { bps: 2000 });
    sale.combines = ALL;
    let mut free = promotion("free", Class::Shipping, Benefit::FreeShipping);
    free.combines = ALL;
    free.min_subtotal = Some(5000);
    let out = run(&lines, Some(500), &[sale, free.clone()]);
    assert_eq!((out.line_discounts.clone(), out.shipping_discount), (vec![1200], 0));
    assert_eq!(out.refused, [(1, Refusal::MinimumNotMet)]);
    // Without the sale, 60.00 meets it.
    assert_eq!(run(&lines, Some(500), &[free]).shipping_discount, 500);
}

#[test]
fn without_combination_the_best_offer_wins() {
    let lines = [line("a", 2000, 2)];
    let ten = promotion("ten", Class::Order, Benefit::Percentage { bps: 1000 });
    let five_off = promotion("five", Class::Order, Benefit::Fixed { amount: 500 });
    let out = run(&lines, None, &[ten, five_off]);
    assert_eq!(out.applied.iter().map(|a| a.offer).collect::<Vec<_>>(), [1], "5.00 beats 10% of 40.00");
    assert_eq!(out.refused, [(0, Refusal::NotCombinable)]);
    assert_eq!(out.line_discounts, [500]);
}

#[test]
fn combining_needs_both_sides_to_agree() {
    let lines = [line("a", 1000, 1)];
    let mut product = promotion("p", Class::Product, Benefit::Percentage { bps: 1000 });
    product.combines = Combines { shipping: true, ..Combines::default() };
    let shipping = promotion("s", Class::Shipping, Benefit::FreeShipping);
    // The shipping one does not combine with product discounts: the bigger saving wins.
    let out = run(&lines, Some(500), &[product.clone(), shipping.clone()]);
    assert_eq!((out.shipping_discount, out.line_discounts.clone()), (500, vec![0]));
    let mut shipping = shipping;
    shipping.combines = Combines { product: true, ..Combines::default() };
    let out = run(&lines, Some(500), &[product, shipping]);
    assert_eq!((out.shipping_discount, out.line_discounts), (500, vec![100]));
}

#[test]
fn buy_two_get_one_makes_the_cheapest_unit_free() {
    let lines = [line("a", 1000, 2), line("b", 600, 1), line("c", 900, 1)];
    let bogo = promotion("b2g1", Class::Product, Benefit::BuyXGetY { buy: 2, get: 1, bps: 10_000 });
    // Units 10, 10, 9, 6: one whole group of three, the cheapest of all four units is free.
    let out = run(&lines, None, std::slice::from_ref(&bogo));
    assert_eq!(out.line_discounts, [0, 600, 0]);
    // Six units: two groups, the two cheapest free.
    let lines = [line("a", 1000, 4), line("b", 600, 1), line("c", 900, 1)];
    assert_eq!(run(&lines, None, std::slice::from_ref(&bogo)).line_discounts, [0, 600, 900]);
    // Two units: not a group yet.
    let out = run(&[line("a", 1000, 2)], None, &[bogo]);
    assert_eq!(out.refused, [(0, Refusal::MinimumNotMet)]);
}

#[test]
fn targets_choose_the_lines_a_product_discount_takes_from() {
    let lines = [line("a", 1000, 1), line("b", 1000, 1)];
    let mut sale = promotion("p", Class::Product, Benefit::Fixed { amount: 300 });
    sale.targets = vec![Target::Category("cat_b".into())];
    assert_eq!(run(&lines, None, &[sale.clone()]).line_discounts, [0, 300]);
    sale.targets = vec![Target::Product("z".into())];
    assert_eq!(run(&lines, None, &[sale]).refused, [(0, Refusal::NotEligible)]);
}

#[test]
fn conditions_refuse_with_their_reason() {
    let lines = [line("a", 1000, 1)];
    let base = promotion("p", Class::Order, Benefit::Percentage { bps: 1000 });
    let refusal = |p: Promotion, limit_reached: bool, signed_in: bool| {
        let basket = Basket { lines: &lines, shipping: None, signed_in, has_ordered: true, now: 1_000 };
        let offers = [Offer { promotion: &p, code: Some("CODE"), limit_reached }];
        evaluate(&basket, &offers).refused.first().map(|r| r.1)
    };
    assert_eq!(
        refusal(Promotion { starts_at: Some(1_001), ..base.clone() }, false, false),
        Some(Refusal::NotStarted)
    );
    assert_eq!(
        refusal(Promotion { ends_at: Some(1_000), ..base.clone() }, false, false),
        Some(Refusal::Expired)
    );
    assert_eq!(
        refusal(Promotion { enabled: false, ..base.clone() }, false, false),
        Some(Refusal::NotEligible)
    );
    assert_eq!(refusal(base.clone(), true, false), Some(Refusal::UsageLimitReached));
    let members = Promotion { customers: Customers::SignedIn, ..base.clone() };
    assert_eq!(refusal(members.clone(), false, false), Some(Refusal::NotEligible));
    assert_eq!(refusal(members, false, true), None);
    let newcomers = Promotion { customers: Customers::New, ..base.clone() };
    assert_eq!(refusal(newcomers, false, true), Some(Refusal::NotEligible), "has ordered before");
    let bulk = Promotion { min_quantity: Some(2), ..base.clone() };
    assert_eq!(refusal(bulk, false, false), Some(Refusal::MinimumNotMet));
    let big = Promotion { min_subtotal: Some(1001), ..base };
    assert_eq!(refusal(big, false, false), Some(Refusal::MinimumNotMet));
}

fn any_benefit() -> impl Strategy<Value = (Class, Benefit)> {
    prop_oneof![
        (0u32..=10_000).prop_map(|bps| (Class::Product, Benefit::Percentage { bps })),
        (0i64..5_000).prop_map(|amount| (Class::Product, Benefit::Fixed { amount })),
        (1u32..4, 1u32..3, 0u32..=10_000)
            .prop_map(|(buy, get, bps)| (Class::Product, Benefit::BuyXGetY { buy, get, bps })),
        (0u32..=10_000).prop_map(|bps| (Class::Order, Benefit::Percentage { bps })),
        (0i64..50_000).prop_map(|amount| (Class::Order, Benefit::Fixed { amount })),
        (0u32..=10_000).prop_map(|bps| (Class::Shipping, Benefit::Percentage { bps })),
        (0i64..2_000).prop_map(|amount| (Class::Shipping, Benefit::Fixed { amount })),
        Just((Class::Shipping, Benefit::FreeShipping)),
    ]
}

fn any_promotion() -> impl Strategy<Value = Promotion> {
    (any_benefit(), any::<[bool; 3]>(), proptest::option::of(0i64..20_000), proptest::option::of(0usize..4))
        .prop_map(|((class, benefit), [product, order, shipping], min_subtotal, target)| Promotion {
            combines: Combines { product, order, shipping },
            min_subtotal,
            targets: target.map(|t| vec![Target::Product(format!("p{t}"))]).unwrap_or_default(),
            ..promotion("p", class, benefit)
        })
}

proptest! {
    #[test]
    fn discounts_add_up_and_never_exceed_their_base(
        lines in proptest::collection::vec((0usize..4, 0i64..10_000, 1i64..6), 0..6),
        shipping in proptest::option::of(0i64..3_000),
        promotions in proptest::collection::vec(any_promotion(), 0..6),
    ) {
        let lines: Vec<Line> = lines.iter().map(|&(p, price, qty)| line(&format!("p{p}"), price, qty)).collect();
        let out = run(&lines, shipping, &promotions);
        // Every offer is either applied or refused, once.
        let mut seen: Vec<usize> = out.applied.iter().map(|a| a.offer).chain(out.refused.iter().map(|r| r.0)).collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..promotions.len()).collect::<Vec<_>>());
        // No line and no shipping is discounted below zero; the parts add up.
        for (i, l) in lines.iter().enumerate() {
            prop_assert!(out.line_discounts[i] >= 0 && out.line_discounts[i] <= l.unit_price * l.quantity);
            prop_assert_eq!(out.line_discounts[i], out.applied.iter().map(|a| a.lines[i]).sum::<i64>());
        }
        prop_assert!(out.shipping_discount >= 0 && out.shipping_discount <= shipping.unwrap_or(0));
        prop_assert_eq!(out.shipping_discount, out.applied.iter().map(|a| a.shipping).sum::<i64>());
        for a in &out.applied {
            prop_assert!(a.lines.iter().all(|&d| d >= 0) && a.shipping >= 0);
        }
        // Every two applied promotions agree to combine.
        for a in &out.applied {
            for b in out.applied.iter().filter(|b| b.offer != a.offer) {
                let (p, q) = (&promotions[a.offer], &promotions[b.offer]);
                prop_assert!(p.combines.with(q.class) && q.combines.with(p.class));
            }
        }
        // The same input, the same answer.
        prop_assert_eq!(run(&lines, shipping, &promotions), out);
    }
}
