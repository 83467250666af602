//! The built-in provider: the region's own rates, by tax class and province.

use super::provider::{BoxFuture, TaxProvider, TaxQuery, TaxUnavailable, Taxable};
use crate::{
    pricing::{self, Breakdown, Charge},
    regions::{TABLE_PROVIDER, rates_for},
};

pub struct Table;

impl TaxProvider for Table {
    fn name(&self) -> &'static str {
        TABLE_PROVIDER
    }

    fn calculate<'a>(&'a self, q: TaxQuery<'a>) -> BoxFuture<'a, Result<Breakdown, TaxUnavailable>> {
        let charge = |t: &Taxable| Charge {
            amount: t.amount,
            discount: t.discount,
            rates: rates_for(q.region, &t.tax_class, q.province),
        };
        let items: Vec<Charge> = q.items.iter().map(charge).collect();
        let shipping = q.shipping.map(charge);
        let r = q.region;
        let breakdown = pricing::price(&items, shipping.as_ref(), r.tax_mode, r.tax_rounding, r.rounding);
        Box::pin(async move { Ok(breakdown) })
    }
}

/// The table provider as if it were an external service that is down: for the tests that
/// prove checkout fails closed (`OXCART_FAULT_TAX_PROVIDER_DOWN`).
pub struct Down;

impl TaxProvider for Down {
    fn name(&self) -> &'static str {
        TABLE_PROVIDER
    }

    fn calculate<'a>(&'a self, _: TaxQuery<'a>) -> BoxFuture<'a, Result<Breakdown, TaxUnavailable>> {
        Box::pin(async {
            Err(TaxUnavailable { provider: TABLE_PROVIDER.into(), reason: "down (fault injected)".into() })
        })
    }
}
