//! What Oxcart needs from a tax provider: one trait, and what it is asked and answers.

use std::{future::Future, pin::Pin};

use crate::{pricing::Breakdown, regions::Region};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An amount to tax: a line's (unit price × quantity) or the shipping's, the discount on it, and
/// its tax class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxable {
    pub amount: i64,
    pub discount: i64,
    pub tax_class: String,
}

/// What a provider is asked: the region and the address's province, the items and the shipping.
pub struct TaxQuery<'a> {
    pub region: &'a Region,
    pub province: Option<&'a str>,
    pub items: &'a [Taxable],
    pub shipping: Option<&'a Taxable>,
}

/// The provider did not answer (down, timed out, or refused the address).
#[derive(Debug, Clone, thiserror::Error)]
#[error("tax provider `{provider}` could not answer: {reason}")]
pub struct TaxUnavailable {
    pub provider: String,
    pub reason: String,
}

pub trait TaxProvider: Send + Sync {
    fn name(&self) -> &'static str;

    /// The breakdown of the query's amounts: every total the sum of its lines.
    fn calculate<'a>(&'a self, query: TaxQuery<'a>) -> BoxFuture<'a, Result<Breakdown, TaxUnavailable>>;
}
