//! The order emails: the confirmation when it is paid, and one for each shipment. Both show the
//! lines and the breakdown the order was charged (subtotal, shipping, each tax rate, total).

use super::{
    mailer::Email,
    messages::{Value, email, escape, money},
};
use crate::{
    config::Config,
    orders::{Order, Shipment},
};

/// `725` → `7.25%`, `1900` → `19%`, `550` → `5.5%`.
fn percent(bps: u32) -> String {
    let whole = format!("{}.{:02}", bps / 100, bps % 100);
    format!("{}%", whole.trim_end_matches('0').trim_end_matches('.'))
}

/// The order's amounts as a receipt shows them: subtotal, each promotion, shipping, each tax rate
/// (summed over the lines and the shipping; "included" where prices held it), total.
fn summary(order: &Order) -> Vec<(String, i64)> {
    let t = &order.totals;
    let mut rows = vec![("Subtotal".to_owned(), order.subtotal)];
    // One row per promotion, named as the shopper saw it.
    for d in &t.discounts {
        let label = match &d.code {
            Some(code) => format!("{} ({code})", d.name),
            None => d.name.clone(),
        };
        rows.push((label, -d.amount));
    }
    let named: i64 = t.discounts.iter().map(|d| d.amount).sum();
    if t.discount_total > named {
        rows.push(("Discount".to_owned(), named - t.discount_total));
    }
    if let Some(s) = &t.shipping {
        rows.push((format!("Shipping ({})", s.name), s.amount));
    }
    let mut taxes: Vec<(String, u32, i64)> = Vec::new();
    let lines =
        order.items.iter().flat_map(|i| &i.tax_lines).chain(t.shipping.iter().flat_map(|s| &s.tax_lines));
    for line in lines {
        match taxes.iter_mut().find(|(name, rate, _)| *name == line.name && *rate == line.rate_bps) {
            Some(tax) => tax.2 += line.amount,
            None => taxes.push((line.name.clone(), line.rate_bps, line.amount)),
        }
    }
    let included = if t.tax_included { " included" } else { "" };
    rows.extend(
        taxes.into_iter().map(|(name, bps, amount)| (format!("{name} {}{included}", percent(bps)), amount)),
    );
    rows.push(("Total".to_owned(), order.total));
    rows
}

/// A line as an email lists it: quantity, product, variant, SKU, amount.
struct Line<'a> {
    quantity: i64,
    title: &'a str,
    variant: &'a str,
    sku: &'a str,
    amount: i64,
}

/// The values both emails fill their templates with: the lines, the breakdown, the address and
/// the link to the order page (which reads the order with `access_token`).
fn order_values(
    config: &Config,
    order: &Order,
    lines: &[Line<'_>],
    access_token: &str,
) -> Vec<(&'static str, Value)> {
    // The storefront's order page, which reads the order with the token: a person clicking
    // the link wants a page, not the API's JSON.
    let link = format!("{}/#/order/{}?token={access_token}", config.public_url, order.id);
    let text_lines: Vec<String> = lines
        .iter()
        .map(|l| {
            format!(
                "  {} x {} ({}), SKU {}: {}",
                l.quantity,
                l.title,
                l.variant,
                l.sku,
                money(l.amount, &order.currency)
            )
        })
        .collect();
    let html_lines: String = lines
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{} &times; {} <span style=\"color:#666\">({})</span></td><td style=\"text-align:right\">{}</td></tr>",
                l.quantity,
                escape(l.title),
                escape(l.variant),
                escape(&money(l.amount, &order.currency))
            )
        })
        .collect();
    let a = &order.shipping_address;
    let address = [
        Some(a.name.as_str()),
        Some(a.line1.as_str()),
        a.line2.as_deref(),
        Some(&match &a.province {
            Some(province) => format!("{} {}, {province}", a.postal_code, a.city),
            None => format!("{} {}", a.postal_code, a.city),
        }),
        Some(a.country.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let summary = summary(order);
    let summary_text: Vec<String> = summary
        .iter()
        .map(|(label, amount)| format!("{label}: {}", money(*amount, &order.currency)))
        .collect();
    let summary_html: String = summary
        .iter()
        .map(|(label, amount)| {
            let (open, close) = if label == "Total" { ("<strong>", "</strong>") } else { ("", "") };
            format!(
                "<tr><td style=\"border-top:1px solid #e4e4e7\">{open}{}{close}</td><td style=\"border-top:1px solid #e4e4e7;text-align:right\">{open}{}{close}</td></tr>",
                escape(label),
                escape(&money(*amount, &order.currency))
            )
        })
        .collect();
    vec![
        ("number", Value::Text(order.number.to_string())),
        ("lines", Value::Text(text_lines.join("\n"))),
        ("lines_html", Value::Html(html_lines)),
        ("summary", Value::Text(summary_text.join("\n"))),
        ("summary_html", Value::Html(summary_html)),
        ("address", Value::Text(address.clone())),
        ("address_html", Value::Html(escape(&address).replace('\n', "<br>"))),
        ("link", Value::Text(link)),
    ]
}

pub fn order_confirmation(config: &Config, order: &Order, access_token: &str, message_id: String) -> Email {
    let lines: Vec<Line> = order
        .items
        .iter()
        .map(|i| Line {
            quantity: i.quantity,
            title: &i.product_title,
            variant: &i.variant_title,
            sku: &i.sku,
            amount: i.line_total,
        })
        .collect();
    let values = order_values(config, order, &lines, access_token);
    let subject = format!("Order {} confirmed: thank you!", order.number);
    let templates = (include_str!("templates/order_paid.txt"), include_str!("templates/order_paid.html"));
    email(config, &order.email, subject, message_id, templates, values)
}

/// "Your order has shipped": the units in this shipment, how to track them, and the order's
/// breakdown.
pub fn order_shipped(
    config: &Config,
    order: &Order,
    shipment: &Shipment,
    access_token: &str,
    message_id: String,
) -> Email {
    let lines: Vec<Line> = shipment
        .items
        .iter()
        .filter_map(|s| order.items.iter().find(|i| i.id == s.order_item_id).map(|i| (i, s.quantity)))
        .map(|(i, quantity)| Line {
            quantity,
            title: &i.product_title,
            variant: &i.variant_title,
            sku: &i.sku,
            amount: i.unit_price * quantity,
        })
        .collect();
    let mut values = order_values(config, order, &lines, access_token);
    let tracking = [
        shipment.carrier.as_deref().map(|c| format!("Carrier: {c}")),
        shipment.tracking_number.as_deref().map(|t| format!("Tracking number: {t}")),
        shipment.tracking_url.as_deref().map(|u| format!("Track it: {u}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let tracking =
        if tracking.is_empty() { "No tracking for this parcel.".to_owned() } else { tracking.join("\n") };
    values.push(("tracking_html", Value::Html(escape(&tracking).replace('\n', "<br>"))));
    values.push(("tracking", Value::Text(tracking)));
    let rest = if order.items.iter().all(|i| i.fulfilled_quantity >= i.quantity) {
        "This completes your order."
    } else {
        "The rest of your order follows in another parcel."
    };
    values.push(("rest", Value::Text(rest.to_owned())));
    let subject = format!("Order {} has shipped", order.number);
    let templates =
        (include_str!("templates/order_shipped.txt"), include_str!("templates/order_shipped.html"));
    email(config, &order.email, subject, message_id, templates, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_people_write_them() {
        assert_eq!(
            [725, 1900, 550, 0, 10000, 1].map(percent),
            ["7.25%", "19%", "5.5%", "0%", "100%", "0.01%"]
        );
    }
}
