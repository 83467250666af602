//! Lists of orders: a customer's own, and the admin list with its filters (status, number,
//! email, customer, the period they were placed in), newest first, a page at a time.

use super::{
    model::{AdminFilter, Order},
    store::{ORDER_COLUMNS, OrderRow, assemble},
};
use crate::{
    db::{self, Exec, sql},
    page::PageRequest,
};

/// Whose orders a list shows.
pub enum ListFilter<'a> {
    Customer(&'a str),
    Admin(&'a AdminFilter),
}

/// Newest first, `limit + 1` rows.
pub async fn list(
    mut db: impl Exec,
    filter: ListFilter<'_>,
    page: &PageRequest,
) -> Result<Vec<Order>, db::Error> {
    let mut q = sql("orders.list", "SELECT ");
    q.push(ORDER_COLUMNS).push(" FROM orders o WHERE 1 = 1");
    match filter {
        ListFilter::Customer(customer) => {
            q.push(" AND o.customer_id = ").push_bind(customer).push(" AND o.status <> 'failed'");
        }
        ListFilter::Admin(filter) => {
            if let Some(status) = filter.status {
                q.push(" AND o.status = ").push_bind(status.as_str());
            }
            if let Some(number) = filter.number {
                q.push(" AND o.number = ").push_bind(number);
            }
            if let Some(email) = &filter.email {
                q.push(" AND LOWER(o.email) = ").push_bind(email.to_lowercase());
            }
            if let Some(customer) = &filter.customer_id {
                q.push(" AND o.customer_id = ").push_bind(customer.as_str());
            }
            if let Some(from) = filter.placed_from {
                q.push(" AND o.created_at >= ").push_bind(from);
            }
            if let Some(before) = filter.placed_before {
                q.push(" AND o.created_at < ").push_bind(before);
            }
        }
    }
    if let Some(after) = &page.after {
        q.push(" AND (o.created_at, o.id) < (")
            .push_bind(after.at)
            .push(", ")
            .push_bind(after.id.as_str())
            .push(")");
    }
    q.push(" ORDER BY o.created_at DESC, o.id DESC LIMIT ").push_bind(page.limit + 1);
    let rows: Vec<OrderRow> = q.fetch_all(&mut db).await?;
    Ok(assemble(db, rows).await?.into_iter().map(|(order, _)| order).collect())
}
