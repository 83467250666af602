//! What every handler can reach: [`AppState`], one `Arc` over the shared parts.
//!
//! Handlers in domain routes take `State<AppState>`. The extractors and middleware in `http/`
//! never name this type: they ask for the part they need (`Db`, `Arc<Config>`, …) through
//! axum's `FromRef`, so the edge does not depend on the application that uses it.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::{
    cart::PricingSetup,
    config::Config,
    db::Db,
    http::{catalog_cache::CatalogCache, rate_limit::RateLimiter},
    media::MediaStore,
    metrics::Metrics,
    payments::Payments,
    promotions::{LimitCheck, PromotionCache},
    recent::RecentCount,
    regions::RegionCache,
    shipping::OptionCache,
    tax::TaxProviders,
};

/// One `Arc`: every middleware and handler takes its own copy for every request, and a struct
/// of shared parts cost an atomic increment and decrement per part each time (a sixth of the
/// CPU of a cached catalog request).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`], reached through it (`state.db`).
#[derive(Clone)]
pub struct Shared {
    pub db: Db,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub auth_limiter: Arc<RateLimiter>,
    pub payments: Payments,
    pub catalog_cache: Arc<CatalogCache>,
    pub catalog_size: Arc<RecentCount>,
    pub taxes: TaxProviders,
    pub regions: Arc<RegionCache>,
    pub shipping_options: Arc<OptionCache>,
    pub promotions: Arc<PromotionCache>,
    /// Where uploaded pictures are kept.
    pub media: MediaStore,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// The configuration, for changes made before serving (the bound address becomes the public
    /// URL). Copies the parts if a clone of this state is already out.
    pub fn config_mut(&mut self) -> &mut Config {
        Arc::make_mut(&mut Arc::make_mut(&mut self.0).config)
    }
}

impl Shared {
    /// What a cart is priced with, besides the database.
    pub fn pricing(&self) -> PricingSetup<'_> {
        PricingSetup {
            regions: &self.regions,
            shipping: &self.shipping_options,
            promotions: &self.promotions,
            taxes: &self.taxes,
            limits: LimitCheck::Every,
        }
    }

    /// What a checkout prices its cart with: the hold counts a code's promotion against its
    /// limit, so the price does not look at it first.
    pub fn checkout_pricing(&self) -> PricingSetup<'_> {
        PricingSetup { limits: LimitCheck::AutomaticOnly, ..self.pricing() }
    }

    /// The shop's regions, shipping options or promotions changed: carts are priced with them
    /// afresh.
    pub fn forget_pricing_setup(&self) {
        self.regions.forget();
        self.shipping_options.forget();
        self.promotions.forget();
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}
