//! The list's query string (`?q=&category=&sort=…`), as shoppers and admins send it, checked
//! into a [`ProductQuery`].

use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    listing::{ProductCursor, ProductQuery, Sort, parse_search},
    model::{Audience, ProductStatus},
};
use crate::{error::ApiError, validate::Validator};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductListParams {
    /// Full-text search in titles and descriptions: every word must match (as a word prefix,
    /// after stemming); title matches rank first.
    pub q: Option<String>,
    /// A category id or handle; products in its sub-categories count too.
    pub category: Option<String>,
    /// Products with a variant priced at least this (minor units).
    pub min_price: Option<i64>,
    /// Products with a variant priced at most this (minor units).
    pub max_price: Option<i64>,
    /// `newest` (the default without `q`), `price_asc`, `price_desc` (by lowest variant price),
    /// `title`, or `relevance` (the default with `q`).
    #[param(inline)]
    pub sort: Option<Sort>,
    /// Admin list only: `draft`, `published` or `archived`; all when omitted.
    #[param(inline)]
    pub status: Option<ProductStatus>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page, with the same `sort`.
    pub cursor: Option<String>,
}

impl ProductListParams {
    pub fn to_query(&self, audience: Audience) -> Result<ProductQuery, ApiError> {
        let mut v = Validator::new();
        let search = v.check("q", parse_search(self.q.as_deref().unwrap_or(""))).flatten();
        let sort = self.sort.unwrap_or(if search.is_some() { Sort::Relevance } else { Sort::Newest });
        let price = |value: Option<i64>| match value {
            Some(p) if p < 0 => Err("must not be negative".to_owned()),
            other => Ok(other),
        };
        let min_price = v.check("min_price", price(self.min_price)).flatten();
        let max_price = v.check("max_price", price(self.max_price)).flatten();
        if let (Some(min), Some(max)) = (min_price, max_price)
            && min > max
        {
            v.check::<()>("max_price", Err("must not be below min_price".into()));
        }
        let limit = self.limit.unwrap_or(20);
        v.check(
            "limit",
            if (1..=100).contains(&limit) { Ok(()) } else { Err("must be between 1 and 100".into()) },
        );
        let after = match &self.cursor {
            None => None,
            Some(text) => v.check(
                "cursor",
                ProductCursor::decode(text, sort)
                    .ok_or_else(|| "is not a cursor this API issued for this sort".into()),
            ),
        };
        let status = match audience {
            Audience::Admin => self.status,
            Audience::Shopper if self.status.is_some() => {
                v.check::<()>("status", Err("is for the admin list; shoppers see published products".into()));
                None
            }
            Audience::Shopper => Some(ProductStatus::Published),
        };
        v.finish()?;
        let category = self.category.clone().filter(|c| !c.is_empty());
        Ok(ProductQuery { search, category, min_price, max_price, status, sort, limit, after })
    }
}
