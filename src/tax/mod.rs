//! Tax providers: what computes an order's tax. The built-in `table` provider applies the
//! region's own rates (`regions::rates_for`) with the shared arithmetic (`pricing::price`); an
//! external calculator (Stripe Tax, Avalara, TaxJar) would be another `TaxProvider`, named by a
//! region's `tax_provider`. A provider that cannot answer makes checkout fail closed (`503
//! tax_unavailable`), never charge a silent zero.

mod provider;
mod table;

pub use provider::{BoxFuture, TaxProvider, TaxQuery, TaxUnavailable, Taxable};

use std::{collections::HashMap, sync::Arc, time::Duration};

use crate::{pricing::Breakdown, regions::TABLE_PROVIDER};

/// How long checkout waits for a provider before refusing the order.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The providers a store can use, by name.
#[derive(Clone)]
pub struct TaxProviders {
    by_name: HashMap<&'static str, Arc<dyn TaxProvider>>,
}

impl TaxProviders {
    /// The built-in table provider; with `provider_down` (a fault for tests), one that never
    /// answers in its place.
    pub fn new(provider_down: bool) -> Self {
        let table: Arc<dyn TaxProvider> =
            if provider_down { Arc::new(table::Down) } else { Arc::new(table::Table) };
        Self { by_name: HashMap::from([(TABLE_PROVIDER, table)]) }
    }

    /// Asks the region's provider, within `PROVIDER_TIMEOUT`.
    pub async fn calculate(&self, query: TaxQuery<'_>) -> Result<Breakdown, TaxUnavailable> {
        let name = query.region.tax_provider.clone();
        let Some(provider) = self.by_name.get(name.as_str()) else {
            return Err(TaxUnavailable { provider: name, reason: "no such provider is configured".into() });
        };
        match tokio::time::timeout(PROVIDER_TIMEOUT, provider.calculate(query)).await {
            Ok(answer) => answer,
            Err(_) => Err(TaxUnavailable { provider: name, reason: "timed out".into() }),
        }
    }
}
