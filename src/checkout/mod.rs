//! Checkout: turning an open cart into a paid order without ever selling a unit twice or
//! charging twice.
//!
//! 1. One transaction claims the cart (`carts.order_id`, set only while it is NULL), reserves
//!    every line's units with a guarded update, and records the order as `pending_payment`.
//! 2. The provider is asked to charge, with the order id as idempotency key, outside any
//!    transaction.
//! 3. A second transaction settles the order (`settle.rs`): paid (units sold, cart completed,
//!    confirmation in the outbox), or failed (units released, cart reopened).
//!
//! A crash between 1 and 3 leaves a `pending_payment` order; the reconciler (`settle.rs`)
//! asks the provider what became of the charge and settles it the same way.

mod pricing;
pub mod routes;
mod settle;
pub mod stripe_routes;
mod stripe_webhook;

use std::sync::Arc;

use serde::Deserialize;
use utoipa::ToSchema;

pub use settle::{Known, mark_failed, mark_paid, reconcile_pending};

use crate::{
    accounts,
    cart::{self, Cart, PricingSetup},
    config::Config,
    db::{Db, retry_transient},
    error::{ApiError, FieldError},
    ids,
    inventory::{self, StockMove},
    orders::{self, OrderStatus, ShippingAddress},
    payments::{ChargeOutcome, ChargeRequest, PaymentProvider, PaymentStatus, Payments},
    promotions::{self, Buyer, Redemption},
    time,
    validate::{self, Validator},
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    #[schema(example = "ann@example.com")]
    pub email: String,
    pub shipping_address: ShippingAddress,
    pub payment: PaymentInput,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// `test` (built in); `stripe` when configured.
    #[schema(example = "test")]
    pub provider: String,
    /// From the provider's client library; with `test`, Stripe's test values such as
    /// `pm_card_visa` or `pm_card_chargeDeclined`.
    #[schema(example = "pm_card_visa")]
    pub payment_method: String,
}

/// What checkout knows of the order it is about to place.
struct NewOrder<'a> {
    id: &'a str,
    access_token: &'a str,
    currency: &'a str,
    email: &'a str,
    address: &'a ShippingAddress,
    provider: &'a str,
}

/// A placed order and its access token, which is shown once.
pub struct Placed {
    pub order: orders::Order,
    pub access_token: String,
    /// For an order waiting on the customer (3-D Secure): what Stripe.js needs to continue.
    pub client_secret: Option<String>,
}

pub async fn checkout(
    db: &Db,
    payments: &Payments,
    setup: PricingSetup<'_>,
    config: &Config,
    cart_id: &str,
    caller: Option<&str>,
    request: CheckoutRequest,
) -> Result<Placed, ApiError> {
    let currency = config.currency.as_str();
    let (email, address, provider) = check(&request, payments)?;
    let order_id = ids::new_id("ord");
    let access_token = ids::new_token("ordtok");
    let order = NewOrder {
        id: &order_id,
        access_token: &access_token,
        currency,
        email: &email,
        address: &address,
        provider: provider.name(),
    };
    let (pending, held) = reserve(db, setup, &order, cart_id, caller).await?;

    let charge = ChargeRequest {
        idempotency_key: order_id.clone(),
        amount: pending.total,
        currency: currency.to_owned(),
        payment_method: request.payment.payment_method.clone(),
        description: format!("Order {order_id}"),
    };
    let outcome = match tokio::time::timeout(settle::PROVIDER_TIMEOUT, provider.charge(charge)).await {
        Ok(Ok(outcome)) => Ok(Some(outcome)),
        // Failed or timed out: the charge may or may not exist. Ask before deciding anything.
        Ok(Err(_)) | Err(_) => provider.find_charge(&order_id).await,
    };
    if let Some(pause) = config.faults.pause_after_charge {
        tokio::time::sleep(pause).await;
    }
    match outcome {
        Ok(Some(ChargeOutcome::Succeeded { reference })) => {
            let order = match settle::mark_paid(
                db,
                &order_id,
                &reference,
                Some(Known { items: &pending.items, held }),
            )
            .await?
            {
                Some(paid_at) => paid(pending, reference, paid_at),
                // Settled meanwhile by the reconciler or a webhook: what it wrote is the truth.
                None => orders::get_order(db, &order_id, orders::Reader::ADMIN).await?,
            };
            Ok(Placed { order, access_token, client_secret: None })
        }
        // The order stays `pending_payment`, its units held and its cart claimed, until the
        // webhook (or the reconciler) learns how the customer's authentication ended.
        Ok(Some(ChargeOutcome::Pending { reference, client_secret })) => {
            settle::note_reference(db, &order_id, &reference).await?;
            let order = orders::get_order(db, &order_id, orders::Reader::ADMIN).await?;
            Ok(Placed { order, access_token, client_secret })
        }
        Ok(Some(ChargeOutcome::Declined { code })) => {
            settle::mark_failed(db, &order_id, &code).await?;
            Err(ApiError::payment_declined(
                "The payment was declined. Nothing was charged; try another payment method.",
            )
            .with_extension("decline_code", code))
        }
        Ok(None) => {
            // The provider never made the charge: release everything now.
            settle::mark_failed(db, &order_id, "provider_error").await?;
            Err(ApiError::payment_provider_error(
                "The payment provider failed. Nothing was charged; it is safe to try again.",
            ))
        }
        // Not even the lookup answered: the order stays pending and the reconciler settles it
        // once the provider is back. The cart stays claimed, so a retry cannot charge again.
        Err(_) => Err(ApiError::payment_provider_error(
            "The payment provider did not answer. The order will be settled within 15 minutes; \
             it is not charged twice.",
        )
        .with_extension("order_id", order_id)),
    }
}

/// The checked email and address, and the provider to charge through.
fn check(
    request: &CheckoutRequest,
    payments: &Payments,
) -> Result<(String, ShippingAddress, Arc<dyn PaymentProvider>), ApiError> {
    let mut v = Validator::new();
    let email = v.check("email", accounts::parse_email(&request.email));
    let a = &request.shipping_address;
    let address = ShippingAddress {
        name: v.check("shipping_address.name", validate::text(&a.name, 1, 100)).unwrap_or_default(),
        line1: v.check("shipping_address.line1", validate::text(&a.line1, 1, 200)).unwrap_or_default(),
        line2: match a.line2.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(line2) => v.check("shipping_address.line2", validate::text(line2, 1, 200)),
        },
        city: v.check("shipping_address.city", validate::text(&a.city, 1, 100)).unwrap_or_default(),
        postal_code: v
            .check("shipping_address.postal_code", validate::text(&a.postal_code, 1, 20))
            .unwrap_or_default(),
        country: v.check("shipping_address.country", validate::country(&a.country)).unwrap_or_default(),
        province: a
            .province
            .as_deref()
            .and_then(|p| v.check("shipping_address.province", validate::province(p))),
    };
    let provider = v.check(
        "payment.provider",
        payments
            .get(&request.payment.provider)
            .ok_or_else(|| format!("must be one of: {}", payments.names().join(", "))),
    );
    v.check("payment.payment_method", validate::text(&request.payment.payment_method, 1, 200));
    v.finish()?;
    let provider =
        provider.ok_or_else(|| ApiError::internal("a provider passed its check without a value"))?;
    Ok((email.unwrap_or_default(), address, provider))
}

/// The lines whose product is no longer on sale, named by their place in the cart.
fn unavailable(lines: &[cart::CartLine]) -> Vec<FieldError> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.purchasable)
        .map(|(i, line)| FieldError {
            field: format!("items[{i}]"),
            message: format!(
                "{} ({}) is no longer for sale; remove line {}",
                line.product_title, line.variant_title, line.id
            ),
        })
        .collect()
}

/// The lines that ask for more than is available, named by their place in the cart.
fn shortages(lines: &[cart::CartLine]) -> Vec<FieldError> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.available < line.quantity)
        .map(|(i, line)| FieldError {
            field: format!("items[{i}].quantity"),
            message: format!(
                "only {} of {} ({}) available",
                line.available.max(0),
                line.product_title,
                line.variant_title
            ),
        })
        .collect()
}

fn out_of_stock(short: Vec<FieldError>) -> ApiError {
    ApiError::conflict("out_of_stock", "Some lines have less stock than the cart asks for.")
        .with_errors(short)
}

/// The pending order as `mark_paid` left it at `paid_at`: what the database now holds, without
/// reading it back.
fn paid(mut order: orders::Order, reference: String, paid_at: i64) -> orders::Order {
    order.status = OrderStatus::Paid;
    order.updated_at = paid_at;
    if let Some(payment) = order.payment.as_mut() {
        payment.status = PaymentStatus::Succeeded;
        payment.reference = Some(reference);
    }
    order
}

/// Step 1, one transaction: claim the cart, reserve every line, record the pending order.
/// Returns that order, as written, and what it holds of promotions. A short line is found from the cart's own read before
/// anything is reserved, so a checkout that cannot succeed writes nothing; units are reserved
/// in variant-id order, the one order every transaction that moves stock locks rows in, so two
/// carts sharing variants never wait on each other in a circle.
async fn reserve(
    db: &Db,
    setup: PricingSetup<'_>,
    order: &NewOrder<'_>,
    cart_id: &str,
    caller: Option<&str>,
) -> Result<(orders::Order, promotions::Held), ApiError> {
    let now = time::now_ms();
    let order_id = order.id;
    let token_hash = &ids::token_hash(order.access_token);
    let payment_id = &ids::new_id("pay");
    retry_transient(|| async move {
        let mut transaction = db.begin().await?;
        let tx = &mut transaction;
        // The claim comes first: concurrent checkouts of one cart queue on this row, and all
        // but the first find it taken.
        let address = pricing::cart_address(order.address);
        let cart: Cart = cart::claim_for_checkout(tx, cart_id, caller, order_id, &address, now).await?;
        if cart.lines.is_empty() {
            return Err(ApiError::field("items", "the cart is empty"));
        }
        let withdrawn = unavailable(&cart.lines);
        if !withdrawn.is_empty() {
            return Err(ApiError::conflict(
                "items_unavailable",
                "Some lines are no longer for sale. Remove them from the cart and check out again.",
            )
            .with_errors(withdrawn));
        }
        let short = shortages(&cart.lines);
        if !short.is_empty() {
            // Dropping the transaction undoes the claim.
            return Err(out_of_stock(short));
        }
        // Priced before any unit is held: an address, option or tax that cannot be charged
        // stops the checkout with nothing reserved.
        let customer = cart.customer_id.clone();
        // A guest cart checked out after signing in becomes that customer's order.
        let customer_id = customer.as_deref().or(caller);
        let buyer = Buyer { customer_id, email: Some(order.email) };
        let quote = pricing::price_claimed(tx, setup, cart, &address, buyer).await?;
        let cart = &quote.cart;
        let reason = format!("order {order_id}");
        let mut by_variant: Vec<&cart::CartLine> = cart.lines.iter().collect();
        by_variant.sort_by(|a, b| a.variant_id.cmp(&b.variant_id));
        for line in by_variant {
            let movement = StockMove::Reserve;
            if !inventory::move_stock(tx, &line.variant_id, movement, line.quantity, &reason).await? {
                // Another checkout took the units since the cart was read: say how every
                // line stands now. The rollback undoes what was reserved.
                let mut now_short = shortages(&cart::current_lines(tx, cart_id).await?);
                if now_short.is_empty() {
                    // The other checkout gave its units back meanwhile; this one still lost.
                    let at = cart.lines.iter().position(|l| l.variant_id == line.variant_id);
                    now_short.push(FieldError {
                        field: format!("items[{}].quantity", at.unwrap_or(0)),
                        message: "was taken by another checkout; try again".into(),
                    });
                }
                return Err(out_of_stock(now_short));
            }
        }
        let (items, totals) = pricing::order_parts(&quote);
        let pending = orders::PendingOrder {
            id: order_id,
            cart_id,
            customer_id,
            email: order.email,
            currency: order.currency,
            shipping_address: order.address,
            totals: &totals,
            access_token_hash: token_hash,
            provider: order.provider,
            payment_id,
            now,
        };
        let order = orders::create_pending(tx, pending, items).await?;
        // Each promotion the order uses is held like a unit of stock: a used-up limit refuses
        // the checkout, and the rollback undoes everything above.
        let applied = &quote.totals.discounts.applied;
        let redemptions: Vec<Redemption> = applied
            .iter()
            .map(|d| Redemption {
                promotion_id: &d.promotion_id,
                code: d.code.as_deref(),
                code_limited: d.code_limited,
                amount: d.amount,
                per_customer_limit: d.per_customer_limit,
            })
            .collect();
        let key = buyer.key().unwrap_or_default();
        let held = promotions::hold(tx, order_id, &key, &redemptions, now).await?;
        transaction.commit().await?;
        Ok((order, held))
    })
    .await
}
