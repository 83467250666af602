//! The emails' words, from the templates in `templates/` (compiled in). `{{name}}` inserts a
//! value, HTML-escaped in the HTML part; `{{{name}}}` inserts HTML this module built itself.

use super::mailer::Email;
use crate::config::Config;

pub(super) enum Value {
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
pub(super) fn email(
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

pub(super) fn money(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02} {}",
        amount.unsigned_abs() / 100,
        amount.unsigned_abs() % 100,
        currency.to_uppercase()
    )
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

/// The invitation of a new member of staff: the link sets their password (a reset token that
/// works for a week) and signs them in to the dashboard.
pub fn staff_invite(
    config: &Config,
    to: &str,
    name: &str,
    invited_by: &str,
    token: &str,
    message_id: String,
) -> Email {
    let values = vec![
        ("name", Value::Text(name.to_owned())),
        ("invited_by", Value::Text(invited_by.to_owned())),
        ("token", Value::Text(token.to_owned())),
        ("link", Value::Text(format!("{}/#reset-password?token={token}", config.public_url))),
    ];
    let subject = format!("{invited_by} invited you to run {}", config.mail.shop_name);
    let templates = (include_str!("templates/staff_invite.txt"), include_str!("templates/staff_invite.html"));
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
