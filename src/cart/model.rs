//! What a cart is: its lines, status and where it ships, as the rules and the store both see
//! them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartStatus {
    Open,
    Completed,
}

impl CartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Completed => "completed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cart {
    pub id: String,
    pub customer_id: Option<String>,
    pub status: CartStatus,
    pub order_id: Option<String>,
    pub lines: Vec<CartLine>,
    /// Where it ships, as far as the shopper has said: the country at least.
    pub shipping_address: Option<CartAddress>,
    /// The option the shopper chose; it may have stopped being available since.
    pub shipping_option_id: Option<String>,
    /// The promotion codes the shopper entered (normalised), in the order entered; whether
    /// each applies is worked out on every read.
    pub promotion_codes: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Cart {
    /// Sum of the purchasable lines at current prices, in minor units. A line whose product was
    /// withdrawn from sale stays visible but counts for nothing: checkout refuses it.
    pub fn subtotal(&self) -> i64 {
        self.lines.iter().filter(|l| l.purchasable).map(CartLine::line_total).sum()
    }

    /// Units across the purchasable lines.
    pub fn item_count(&self) -> i64 {
        self.lines.iter().filter(|l| l.purchasable).map(|l| l.quantity).sum()
    }
}

#[derive(Debug, Clone)]
pub struct CartLine {
    pub id: String,
    pub variant_id: String,
    pub product_id: String,
    pub product_title: String,
    pub product_handle: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i64,
    /// The variant's price now.
    pub unit_price: i64,
    pub available: i64,
    /// False once the product is no longer published: the line stays visible, but checkout
    /// refuses it.
    pub purchasable: bool,
    pub image: Option<String>,
    pub tax_class: String,
    /// Grams per unit.
    pub weight: i64,
    pub requires_shipping: bool,
}

/// A cart's shipping address: the country first (it picks the region, so the options and the
/// tax can be shown before payment), the rest when the shopper has given it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartAddress {
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(example = "US")]
    pub country: String,
    /// ISO 3166-2 subdivision code without the country (`CA` for US-CA); needed where a region
    /// covers or taxes provinces apart.
    #[schema(example = "CA")]
    pub province: Option<String>,
    pub name: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
}

impl CartLine {
    pub fn line_total(&self) -> i64 {
        self.unit_price * self.quantity
    }
}
