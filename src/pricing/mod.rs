//! How amounts are computed: one rounding rule, allocations that add up, tax in both modes, and
//! a price breakdown whose total is the sum of its parts. Pure arithmetic on integer minor units
//! and basis points (1900 = 19.00%): no I/O, no floats, nothing that can fail, so carts,
//! checkout and orders share it and property tests guard it (`tests.rs`).
//!
//! The order of operations, one for every caller: items (unit price × quantity), then discounts
//! (each at most what it discounts), then shipping, then tax on the discounted amounts, items
//! and shipping each by their own rates. In an inclusive region the amounts hold their tax and
//! the tax is the part of them that is tax; in an exclusive one it is added on top.

mod breakdown;
mod rounding;
mod tax;
#[cfg(test)]
mod tests;
mod views;

pub use breakdown::{Breakdown, Charge, Priced, price};
pub use rounding::{BPS, Rounding, allocate};
pub use tax::{Rate, TaxLine, TaxMode, TaxRounding, TaxedAmount, tax};
pub use views::TaxLineView;
