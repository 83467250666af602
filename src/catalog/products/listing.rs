//! Browsing products: full-text search, filters, the sorts and keyset pagination.
//!
//! Every sort orders by a key that ends in the unique id, and the cursor carries that key, so
//! the next page starts strictly after the last row seen: products added meanwhile never
//! repeat a row or push one out (unlike OFFSET).
//!
//! Search relevance is a small integer tier (the title matches every word: 2, otherwise 1),
//! newest first within a tier. Engine scores such as FTS5's bm25 depend on the whole catalog
//! (word frequencies), so they would move as products are added and break the cursor; the
//! tiers depend only on the product itself and agree on both engines.
//!
//! Each tier is its own query, run in order until the page is full. Ranking every match in
//! one query costs as much as there are matches (a word in 5% of 100,000 products is 5,000
//! rows sorted for each page); a tier ordered like an index stops at the page's end, and the
//! lower tier is only asked when the titles run out.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use super::{model::ProductStatus, store};
use crate::db::{Bind, FromRow, Sql, sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    Newest,
    PriceAsc,
    PriceDesc,
    Title,
    /// Best match first; the default when `q` is given.
    Relevance,
}

/// What a product list asks for. `status: None` means any status (admins only).
#[derive(Debug, Clone)]
pub struct ProductQuery {
    pub search: Option<Vec<String>>,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub status: Option<ProductStatus>,
    pub sort: Sort,
    pub limit: i64,
    pub after: Option<ProductCursor>,
}

/// Words of a search, lower-cased; letters and digits only, so nothing in them is query
/// syntax on either engine. At most 8 words count.
pub fn parse_search(q: &str) -> Result<Option<Vec<String>>, String> {
    const STOP_WORDS: &[&str] =
        &["a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"];
    if q.chars().count() > 200 {
        return Err("must be at most 200 characters".into());
    }
    if q.trim().is_empty() {
        return Ok(None);
    }
    let words = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .take(8)
        .collect();
    Ok(Some(words))
}

/// Where the previous page ended, in the order of the sort it was made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductCursor {
    Newest(i64, String),
    PriceAsc(i64, String),
    PriceDesc(i64, String),
    Title(String, String),
    Relevance(i64, i64, String),
}

impl ProductCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// `None` for anything this API did not issue, or a cursor of another sort.
    pub fn decode(text: &str, sort: Sort) -> Option<Self> {
        let cursor: Self = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let matches = matches!(
            (&cursor, sort),
            (Self::Newest(..), Sort::Newest)
                | (Self::PriceAsc(..), Sort::PriceAsc)
                | (Self::PriceDesc(..), Sort::PriceDesc)
                | (Self::Title(..), Sort::Title)
                | (Self::Relevance(..), Sort::Relevance)
        );
        matches.then_some(cursor)
    }
}

/// A listed product with the relevance tier it was found in, and its variants and categories
/// when the statement brought them ([`children_inline`]).
#[derive(FromRow)]
pub struct ListedRow {
    #[sqlx(flatten)]
    pub product: store::ProductRow,
    pub relevance: i64,
    #[sqlx(default)]
    pub variants: Option<String>,
    #[sqlx(default)]
    pub categories: Option<String>,
}

/// Whether a list's statements bring each product's variants and categories along
/// (`store::push_children`), or the page is completed after (`store::assemble`). A search's
/// statements carry bound search text, for which PostgreSQL makes a fresh plan on every call (a
/// custom plan for a rare word always looks cheaper than the generic one), and planning the
/// children's subqueries costs more than running them; the completing statement is planned once.
pub fn children_inline(q: &ProductQuery) -> bool {
    q.search.is_none()
}

impl ListedRow {
    pub fn cursor(&self, sort: Sort) -> ProductCursor {
        let p = &self.product;
        let id = p.id.clone();
        match sort {
            Sort::Newest => ProductCursor::Newest(p.created_at, id),
            Sort::PriceAsc => ProductCursor::PriceAsc(p.price_min.unwrap_or(i64::MAX), id),
            Sort::PriceDesc => ProductCursor::PriceDesc(p.price_min.unwrap_or(-1), id),
            Sort::Title => ProductCursor::Title(p.sort_title.clone(), id),
            Sort::Relevance => ProductCursor::Relevance(self.relevance, p.created_at, id),
        }
    }
}

// Products without variants have no price: they sort after every priced one either way. The
// keys are generated columns with an index each on every engine (migration 0018: MySQL and
// MariaDB index no expression). The page carries them, so it is put back in order by them too.
const PRICE_ASC_KEY: &str = "p.price_key_asc";
const PRICE_DESC_KEY: &str = "p.price_key_desc";

/// A relevance tier of a search: products whose titles hold every word, then the other
/// matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Title,
    Other,
}

impl Tier {
    fn rank(self) -> i64 {
        match self {
            Self::Title => 2,
            Self::Other => 1,
        }
    }
}

/// The queries of a page, in order: one, or for a relevance search the tiers the cursor has
/// not yet passed.
pub fn tiers(q: &ProductQuery) -> Vec<Option<Tier>> {
    let searching = q.search.as_ref().is_some_and(|words| !words.is_empty());
    if q.sort != Sort::Relevance || !searching {
        return vec![None];
    }
    let reached = match &q.after {
        Some(ProductCursor::Relevance(rank, ..)) => *rank,
        _ => i64::MAX,
    };
    [Tier::Title, Tier::Other].into_iter().filter(|t| t.rank() <= reached).map(Some).collect()
}

/// How a tier's query finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Every match, sorted: as costly as there are matches, so right for rare words.
    Matches,
    /// Only the newest `n` listed products past the cursor, walked in index order and
    /// filtered: right for common words, whose page is found within a few hundred rows. Its
    /// cost is bounded by `n` whatever the word; when it falls short of a page the caller
    /// asks again with [`Scan::Matches`].
    Newest(i64),
}

/// How many of the newest products a tier looks through before it falls back to sorting
/// every match: a word in at least 2% of the products fills its page from the window. None
/// when a window that size would hold all `published` products: it would read every one of
/// them, where sorting the matches reads only those.
pub fn window(q: &ProductQuery, tier: Option<Tier>, wanted: i64, published: i64) -> Option<i64> {
    let window = wanted.saturating_mul(50);
    // Without a status the newest index has no prefix to walk.
    (tier.is_some() && q.status.is_some() && window < published).then_some(window)
}

/// The query for one of [`tiers`]: at most `limit` rows, the caller asks for one more than
/// the page holds to know whether another page follows.
pub fn build(q: &ProductQuery, tier: Option<Tier>, scan: Scan, limit: i64) -> Sql {
    let mut sql = sql("products.list", "");
    let rank = tier.map_or(1, Tier::rank);
    if let Some(category) = &q.category {
        // The category and everything below it in the tree.
        let key = sql.param(category.as_str());
        sql.push("WITH RECURSIVE subtree (id) AS (SELECT id FROM categories WHERE id = ")
            .push(&key)
            .push(" OR handle = ")
            .push(&key)
            .push(" UNION ALL SELECT c.id FROM categories c JOIN subtree s ON c.parent_id = s.id) ");
    }
    let window = match (scan, q.status) {
        (Scan::Newest(rows), Some(status)) => Some((rows, status)),
        _ => None,
    };
    if let Some((rows, status)) = window {
        // The engines cannot move the filters below into a table with a LIMIT, so this walks
        // the newest index for `rows` rows whatever the planner thinks of them.
        sql.push(if q.category.is_some() { ", " } else { "WITH " });
        sql.push("newest AS (SELECT * FROM products p WHERE p.status = ").push_bind(status.as_str());
        if let Some(after) = &q.after {
            push_after(&mut sql, after, rank);
        }
        sql.push(" ORDER BY p.created_at DESC, p.id DESC LIMIT ").push(&rows.to_string()).push(") ");
    }
    // The page is found and cut in a subquery (its ORDER BY and LIMIT keep the engines from
    // merging it into the outer query), and only its rows get their variants and categories:
    // outside a search, a page comes whole from one statement.
    sql.push("SELECT ").push(store::PRODUCT_COLUMNS).push(", p.relevance");
    if children_inline(q) {
        store::push_children(&mut sql);
    }
    sql.push(" FROM (SELECT ")
        .push(store::PRODUCT_COLUMNS)
        .push(&format!(", {PRICE_ASC_KEY}, {PRICE_DESC_KEY}, CAST({rank} AS BIGINT) AS relevance FROM "));
    match (window, q.status) {
        (Some(_), _) => {
            sql.push("newest p WHERE 1 = 1");
        }
        (None, status) => {
            sql.push("products p");
            if status.is_some() && q.search.is_none() {
                // Rows in the sort's order, from the cursor on: MariaDB would otherwise read a
                // deep page from the start of the status's stretch of the index (it prices
                // that below seeking to the cursor, as long as whole rows are read).
                sql.through_index(sort_index(q.sort));
            }
            sql.push(" WHERE 1 = 1");
            if let Some(status) = status {
                // With a search, the matches are the way in; the status index would scan
                // everything.
                sql.push(" AND ");
                if q.search.is_some() {
                    sql.without_index("p.status");
                } else {
                    sql.push("p.status");
                }
                sql.push(" = ").push_bind(status.as_str());
            }
            if let Some(after) = &q.after {
                push_after(&mut sql, after, rank);
            }
        }
    }
    match &q.search {
        Some(words) if words.is_empty() => {
            sql.push(" AND 1 = 0");
        }
        Some(words) => {
            // Rows of the window are matched against the window's stretch of the index only.
            let matches = |sql: &mut Sql, title_only| {
                if window.is_some() {
                    sql.product_matches_within(words, title_only, "newest");
                } else {
                    sql.product_matches(words, title_only);
                }
            };
            sql.push(" AND ");
            match tier {
                None => matches(&mut sql, false),
                Some(Tier::Title) => matches(&mut sql, true),
                Some(Tier::Other) => {
                    matches(&mut sql, false);
                    sql.push(" AND NOT (");
                    matches(&mut sql, true);
                    sql.push(")");
                }
            };
        }
        None => {}
    }
    if q.category.is_some() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM product_categories pc \
             WHERE pc.product_id = p.id AND pc.category_id IN (SELECT id FROM subtree))",
        );
    }
    if q.min_price.is_some() || q.max_price.is_some() {
        // Any variant in range: "under $30" shows a shirt whose small size costs $25.
        sql.push(" AND EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id");
        if let Some(min) = q.min_price {
            sql.push(" AND v.price >= ").push_bind(min);
        }
        if let Some(max) = q.max_price {
            sql.push(" AND v.price <= ").push_bind(max);
        }
        sql.push(")");
        // Implied by the above (a product's lowest price is at most any of its variants'), and
        // a bound the price sorts' indexes seek to or stop at, where the probe alone would walk
        // every product priced above `max` first.
        match (q.max_price, q.sort) {
            (Some(max), Sort::PriceAsc) => {
                sql.push(&format!(" AND {PRICE_ASC_KEY} <= ")).push_bind(max);
            }
            (Some(max), Sort::PriceDesc) => {
                sql.push(&format!(" AND {PRICE_DESC_KEY} <= ")).push_bind(max);
            }
            _ => {}
        }
    }
    let order = match q.sort {
        // Sorting the matches: `+ 0` keeps PostgreSQL from walking the newest index instead,
        // which for a rare word would look at every product.
        Sort::Newest | Sort::Relevance if q.search.is_some() && scan == Scan::Matches => {
            "p.created_at + 0 DESC, p.id DESC".to_owned()
        }
        Sort::Newest | Sort::Relevance => "p.created_at DESC, p.id DESC".to_owned(),
        Sort::PriceAsc => format!("{PRICE_ASC_KEY}, p.id"),
        Sort::PriceDesc => format!("{PRICE_DESC_KEY} DESC, p.id DESC"),
        Sort::Title => "p.sort_title, p.id".to_owned(),
    };
    // The limits are written into the text, not bound: PostgreSQL plans a statement with a
    // bound LIMIT afresh on every run (its generic plan cannot know the page is short), and
    // planning this one costs more than running it. They are integers of this module's own
    // making, and a page size takes one of few values, so the statement caches stay small.
    sql.push(" ORDER BY ").push(&order).push(" LIMIT ").push(&limit.to_string());
    sql.push(") p ORDER BY ").push(&order);
    sql
}

/// The index whose order a sort reads, led by the status.
fn sort_index(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest | Sort::Relevance => "products_newest_idx",
        Sort::PriceAsc => "products_price_asc_idx",
        Sort::PriceDesc => "products_price_desc_idx",
        Sort::Title => "products_title_idx",
    }
}

/// Rows strictly after the cursor, in its sort. A relevance cursor bounds only its own tier:
/// [`tiers`] has left out those above it, and those below start from their top.
fn push_after(sql: &mut Sql, after: &ProductCursor, rank: i64) {
    match after {
        ProductCursor::Newest(at, id) => push_past(sql, "p.created_at", Before, (*at).into(), id),
        ProductCursor::Relevance(r, at, id) if *r == rank => {
            push_past(sql, "p.created_at", Before, (*at).into(), id)
        }
        ProductCursor::Relevance(..) => {}
        ProductCursor::PriceAsc(key, id) => push_past(sql, PRICE_ASC_KEY, After, (*key).into(), id),
        ProductCursor::PriceDesc(key, id) => push_past(sql, PRICE_DESC_KEY, Before, (*key).into(), id),
        ProductCursor::Title(title, id) => push_past(sql, "p.sort_title", After, title.as_str().into(), id),
    }
}

/// Which way a sort runs from its cursor.
#[derive(Clone, Copy)]
enum Past {
    After,
    Before,
}
use Past::{After, Before};

/// Rows whose `(column, p.id)` comes after (or before) `(key, id)`, said three ways at once so
/// that every engine seeks its index straight to the cursor: the row value (PostgreSQL seeks by
/// it), the key alone (SQLite seeks by that), and the row value spelt out with `OR` (MariaDB
/// seeks by that to the exact row; by the key alone it would read every product of the cursor's
/// key first, 2,600 of them for one price at a million products).
fn push_past(sql: &mut Sql, column: &str, past: Past, key: Bind, id: &str) {
    let (op, or_equal) = match past {
        After => (">", ">="),
        Before => ("<", "<="),
    };
    let key = sql.param(key);
    let id = sql.param(id);
    sql.push(&format!(
        " AND {column} {or_equal} {key} AND ({column}, p.id) {op} ({key}, {id}) \
         AND ({column} {op} {key} OR ({column} = {key} AND p.id {op} {id}))"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_plain_and_bounded() {
        assert_eq!(parse_search("  "), Ok(None));
        assert_eq!(
            parse_search("The Blue-Shirt's!"),
            Ok(Some(vec!["blue".into(), "shirt".into(), "s".into()]))
        );
        assert_eq!(parse_search("\" OR 1=1 --*"), Ok(Some(vec!["1".into(), "1".into()])));
        assert_eq!(parse_search("a b c d e f g h i j k").map(|w| w.map(|w| w.len())), Ok(Some(8)));
        assert!(parse_search(&"x".repeat(201)).is_err());
    }

    #[test]
    fn cursors_belong_to_their_sort() {
        let c = ProductCursor::Title("blue | tee".into(), "prod_1".into());
        assert_eq!(ProductCursor::decode(&c.encode(), Sort::Title), Some(c.clone()));
        assert_eq!(ProductCursor::decode(&c.encode(), Sort::Newest), None);
        assert_eq!(ProductCursor::decode("garbage", Sort::Title), None);
    }
}
