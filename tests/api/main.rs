//! Black-box HTTP tests: each starts the real app on port 0 with a fresh database.
//! Every scenario runs on SQLite, and on PostgreSQL when `OXCART_TEST_POSTGRES_URL` is set.

mod helpers;

mod accounts;
mod admin;
mod audit;
mod browsing;
mod bulk;
mod cart_limits;
mod carts;
mod catalog;
mod checkout;
mod cli;
mod conventions;
mod credentials;
mod csrf;
mod dashboard;
mod discounts;
mod edge;
mod fake_stripe;
mod fulfilment;
mod idempotency;
mod inventory;
mod mail;
mod media;
mod ops;
mod pricing_setup;
mod processes;
mod products;
mod promotions;
mod regions;
mod schema;
mod shipping;
mod smtp;
mod staff;
mod statements;
mod storefront;
mod stripe;
mod stripe_webhooks;
mod structure;
mod totals;
mod transactions;
mod unknown_fields;
