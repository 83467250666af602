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
        Some(&format!("{} {}", a.postal_code, a.city)),
        Some(a.country.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let values = vec![
        ("number", Value::Text(order.number.to_string())),
        ("lines", Value::Text(text_lines.join("\n"))),
        ("lines_html", Value::Html(html_lines)),
        ("total", Value::Text(money(order.total, &order.currency))),
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
}
