//! Large generated catalogs for benchmarks: `oxcart seed --products N`.

use super::rng::{Rng, SEED_ACTOR};
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

/// Products per transaction. Each batch is a handful of multi-row statements, so the cost per
/// product is mostly the indexes' own work; a thousand keeps a batch's memory small and its
/// transaction short.
const BATCH: u64 = 1000;

/// Batches written at once: on PostgreSQL two overlap one's commit with the other's inserts;
/// SQLite takes them in turn.
const IN_FLIGHT: usize = 2;

/// Adds `count` published products (one to three variants each) spread over the existing
/// categories, through `catalog::products::create_products` (the same checks and statements as
/// the admin API), a batch per transaction. Deterministic for a given count and starting
/// catalog size, apart from the creation times.
pub async fn seed_products(
    db: &Db,
    currency: &str,
    count: u64,
    mut progress: impl FnMut(u64),
) -> Result<(), String> {
    let categories = catalog::list_categories(db, &crate::page::PageRequest { limit: 100, after: None })
        .await
        .map_err(|e| e.to_string())?;
    let category_ids: Vec<String> = categories.into_iter().map(|c| c.id).collect();
    let start = crate::time::now_ms();
    let mut rng = Rng::new(0x0ca7_u64.wrapping_add(count));
    let mut writes = tokio::task::JoinSet::new();
    let mut done = 0;
    let mut next = 0;
    while next < count {
        let size = BATCH.min(count - next);
        let batch: Vec<NewProduct> = (next..next + size)
            .map(|n| synthetic_product(&mut rng, &format!("{start:x}-{n}"), &category_ids))
            .collect();
        next += size;
        let (db, currency) = (db.clone(), currency.to_owned());
        writes.spawn(
            async move { catalog::products::create_products(&db, &currency, SEED_ACTOR, batch).await },
        );
        if writes.len() >= IN_FLIGHT
            && let Some(write) = writes.join_next().await
        {
            finished(write, &mut done, &mut progress)?;
        }
    }
    while let Some(write) = writes.join_next().await {
        finished(write, &mut done, &mut progress)?;
    }
    Ok(())
}

type Write = Result<Result<usize, crate::error::ApiError>, tokio::task::JoinError>;

/// Counts one finished batch, or stops the seeding at the first that failed.
fn finished(write: Write, done: &mut u64, progress: &mut impl FnMut(u64)) -> Result<(), String> {
    let created = match write {
        Ok(Ok(created)) => created,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(e) => return Err(e.to_string()),
    };
    *done += u64::try_from(created).unwrap_or(0);
    progress(*done);
    Ok(())
}

fn synthetic_product(rng: &mut Rng, serial: &str, category_ids: &[String]) -> NewProduct {
    let (adjective, material, noun) = (rng.pick(ADJECTIVES), rng.pick(MATERIALS), rng.pick(NOUNS));
    let title = format!("{adjective} {material} {noun}");
    let base = 500 + i64::try_from(rng.below(400)).unwrap_or(0) * 50;
    let variants = (0..1 + rng.below(3))
        .map(|i| NewVariant {
            sku: format!("GEN-{serial}-{i}"),
            title: None,
            options: [("size".to_owned(), ["S", "M", "L"][usize::try_from(i).unwrap_or(0)].to_owned())]
                .into(),
            price: (base + i64::try_from(i).unwrap_or(0) * 200).into(),
            stock: i64::try_from(rng.below(50)).unwrap_or(0),
            tax_class: None,
            // From the price, not the generator, so the catalog's other draws stay what they were.
            weight: Some(100 + base % 1900),
            requires_shipping: None,
        })
        .collect();
    NewProduct {
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
        category_ids: if category_ids.is_empty() { Vec::new() } else { vec![rng.pick(category_ids).clone()] },
        variants,
    }
}
