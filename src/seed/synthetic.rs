//! Large generated catalogs for benchmarks: `oxcart seed --products N`.

use super::{Rng, SEED_ACTOR};
use crate::{
    catalog::{
        self,
        products::{NewProduct, NewVariant, ProductStatus},
    },
    db::Db,
};

const ADJECTIVES: &[&str] = &[
    "Rustic", "Modern", "Classic", "Vintage", "Organic", "Handmade", "Compact", "Deluxe", "Everyday",
    "Heavy", "Light", "Waxed", "Brushed", "Woven", "Recycled", "Coastal", "Alpine", "Urban", "Minimal",
    "Sturdy",
];
const MATERIALS: &[&str] = &[
    "Cotton",
    "Linen",
    "Wool",
    "Leather",
    "Canvas",
    "Ceramic",
    "Bamboo",
    "Steel",
    "Oak",
    "Walnut",
    "Merino",
    "Denim",
    "Glass",
    "Copper",
    "Brass",
    "Cork",
    "Hemp",
    "Nylon",
    "Porcelain",
    "Felt",
];
const NOUNS: &[&str] = &[
    "Tee", "Hoodie", "Mug", "Tote", "Backpack", "Notebook", "Candle", "Apron", "Blanket", "Beanie", "Cap",
    "Socks", "Poster", "Tumbler", "Bottle", "Wallet", "Pouch", "Scarf", "Planter", "Lamp", "Bowl", "Tray",
    "Journal", "Jacket",
];
const PHRASES: &[&str] = &[
    "made to last for years",
    "designed in small batches",
    "finished by hand",
    "easy to care for",
    "a favourite gift",
    "with a lifetime repair promise",
    "packed without plastic",
    "sourced from family workshops",
];

/// Adds `count` published products (one to three variants each) spread over the existing
/// categories. Deterministic for a given count and starting catalog size.
pub async fn seed_products(db: &Db, count: u64, mut progress: impl FnMut(u64)) -> Result<(), String> {
    let categories =
        catalog::list_categories(db, &crate::http::query::PageRequest { limit: 100, after: None })
            .await
            .map_err(|e| e.to_string())?;
    let start = crate::time::now_ms();
    let mut rng = Rng::new(0x0ca7_u64.wrapping_add(count));
    for n in 0..count {
        let (adjective, material, noun) = (rng.pick(ADJECTIVES), rng.pick(MATERIALS), rng.pick(NOUNS));
        let title = format!("{adjective} {material} {noun}");
        let serial = format!("{start:x}-{n}");
        let base = 500 + i64::try_from(rng.below(400)).unwrap_or(0) * 50;
        let variants = (0..1 + rng.below(3))
            .map(|i| NewVariant {
                sku: format!("GEN-{serial}-{i}"),
                title: None,
                options: [("size".to_owned(), ["S", "M", "L"][usize::try_from(i).unwrap_or(0)].to_owned())]
                    .into(),
                price: base + i64::try_from(i).unwrap_or(0) * 200,
                stock: i64::try_from(rng.below(50)).unwrap_or(0),
            })
            .collect();
        let input = NewProduct {
            handle: Some(format!("{}-{serial}", catalog::handle_from(&title))),
            description: format!(
                "A {} {} {}, {} and {}.",
                adjective.to_lowercase(),
                material.to_lowercase(),
                noun.to_lowercase(),
                rng.pick(PHRASES),
                rng.pick(PHRASES)
            ),
            title,
            status: Some(ProductStatus::Published),
            images: Vec::new(),
            category_ids: if categories.is_empty() {
                Vec::new()
            } else {
                vec![rng.pick(&categories).id.clone()]
            },
            variants,
        };
        catalog::products::create_product(db, SEED_ACTOR, input).await.map_err(|e| e.to_string())?;
        if (n + 1) % 1000 == 0 {
            progress(n + 1);
        }
    }
    Ok(())
}
