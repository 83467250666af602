//! The emails' words, from the templates in `templates/` (compiled in). `{{name}}` inserts a
//! value, HTML-escaped in the HTML part; `{{{name}}}` inserts HTML this module built itself.

use super::mailer::Email;
use crate::{config::Config, orders::Order};

enum Value {
    Text(String),
    Html(String),
}

fn render(template: &str, values: &[(&str, Value)], html: bool) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        match value {
            Value::Html(raw) => out = out.replace(&format!("{{{{{{{name}}}}}}}"), raw),
            Value::Text(text) => {
                let shown = if html { escape(text) } else { text.clone() };
                out = out.replace(&format!("{{{{{name}}}}}"), &shown);
            }
        }
    }
    out
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps both parts in the shop's frame and makes the email.
fn email(
    config: &Config,
    to: &str,
    subject: String,
    message_id: String,
    (text, html): (&str, &str),
    values: Vec<(&str, Value)>,
) -> Email {
    let mut values = values;
    values.push(("shop_name", Value::Text(config.mail.shop_name.clone())));
    values.push(("brand_color", Value::Text(config.mail.brand_color.clone())));
    let body = render(html, &values, true);
    let layout_values = [
        ("content", Value::Html(body)),
        ("shop_name", Value::Text(config.mail.shop_name.clone())),
        ("brand_color", Value::Text(config.mail.brand_color.clone())),
        ("subject", Value::Text(subject.clone())),
    ];
    Email {
        to: to.to_owned(),
        text: render(text, &values, false),
        html: render(include_str!("templates/layout.html"), &layout_values, true),
        subject,
        message_id,
    }
}

fn money(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02} {}",
        amount.unsigned_abs() / 100,
        amount.unsigned_abs() % 100,
        currency.to_uppercase()
    )
}

/// `725` → `7.25%`, `1900` → `19%`, `550` → `5.5%`.
fn percent(bps: u32) -> String {
    let whole = format!("{}.{:02}", bps / 100, bps % 100);
    format!("{}%", whole.trim_end_matches('0').trim_end_matches('.'))
}

/// The order's amounts as a receipt shows them: subtotal, discount, shipping, each tax rate
/// (summed over the lines and the shipping; "included" where prices held it), total.
fn summary(order: &Order) -> Vec<(String, i64)> {
    let t = &order.totals;
    let mut rows = vec![("Subtotal".to_owned(), order.subtotal)];
    if t.discount_total > 0 {
        rows.push(("Discount".to_owned(), -t.discount_total));
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

pub fn order_confirmation(config: &Config, order: &Order, access_token: &str, message_id: String) -> Email {
    // The storefront's order page, which reads the order with the token: a person clicking
    // the link wants a page, not the API's JSON.
    let link = format!("{}/#/order/{}?token={access_token}", config.public_url, order.id);
    let text_lines: Vec<String> = order
        .items
        .iter()
        .map(|i| {
            format!(
                "  {} x {} ({}), SKU {}: {}",
                i.quantity,
                i.product_title,
                i.variant_title,
                i.sku,
                money(i.line_total, &order.currency)
            )
        })
        .collect();
    let html_lines: String = order
        .items
        .iter()
        .map(|i| {
            format!(
                "<tr><td>{} &times; {} <span style=\"color:#666\">({})</span></td><td style=\"text-align:right\">{}</td></tr>",
                i.quantity,
                escape(&i.product_title),
                escape(&i.variant_title),
                escape(&money(i.line_total, &order.currency))
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
    let values = vec![
        ("number", Value::Text(order.number.to_string())),
        ("lines", Value::Text(text_lines.join("\n"))),
        ("lines_html", Value::Html(html_lines)),
        ("summary", Value::Text(summary_text.join("\n"))),
        ("summary_html", Value::Html(summary_html)),
        ("address", Value::Text(address.clone())),
        ("address_html", Value::Html(escape(&address).replace('\n', "<br>"))),
        ("link", Value::Text(link)),
    ];
    let subject = format!("Order {} confirmed: thank you!", order.number);
    let templates = (include_str!("templates/order_paid.txt"), include_str!("templates/order_paid.html"));
    email(config, &order.email, subject, message_id, templates, values)
}

pub fn welcome(config: &Config, to: &str, name: &str, message_id: String) -> Email {
    let values =
        vec![("name", Value::Text(name.to_owned())), ("store", Value::Text(config.public_url.clone()))];
    let subject = format!("Welcome to {}", config.mail.shop_name);
    let templates = (include_str!("templates/welcome.txt"), include_str!("templates/welcome.html"));
    email(config, to, subject, message_id, templates, values)
}

pub fn password_reset(config: &Config, to: &str, name: &str, token: &str, message_id: String) -> Email {
    let values = vec![
        ("name", Value::Text(name.to_owned())),
        ("token", Value::Text(token.to_owned())),
        ("link", Value::Text(format!("{}/#reset-password?token={token}", config.public_url))),
    ];
    let subject = format!("Reset your {} password", config.mail.shop_name);
    let templates =
        (include_str!("templates/password_reset.txt"), include_str!("templates/password_reset.html"));
    email(config, to, subject, message_id, templates, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_html_only() {
        let t = "<p>{{name}}</p>{{{raw}}}";
        let values = [("name", Value::Text("<b>Ann & Co</b>".into())), ("raw", Value::Html("<br>".into()))];
        assert_eq!(render(t, &values, true), "<p>&lt;b&gt;Ann &amp; Co&lt;/b&gt;</p><br>");
        assert_eq!(render("{{name}}", &values, false), "<b>Ann & Co</b>");
        assert_eq!(money(123456, "usd"), "1234.56 USD");
    }

    #[test]
    fn rates_read_as_people_write_them() {
        assert_eq!(
            [725, 1900, 550, 0, 10000, 1].map(percent),
            ["7.25%", "19%", "5.5%", "0%", "100%", "0.01%"]
        );
    }
}
