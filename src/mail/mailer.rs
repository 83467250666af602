//! Sending a finished message: over SMTP (lettre, rustls with ring), or, with no SMTP server
//! configured, into `.eml` files under the data directory so a demo shows what it would send.

use std::path::PathBuf;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use crate::config::Config;

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

enum Transport {
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// One email, ready to send. `message_id` is stable per outbox event, so a message sent again
/// after a crash is recognisably the same message.
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Mailer {
    pub fn new(config: &Config) -> Result<Self, String> {
        let from: Mailbox = config
            .mail
            .from
            .parse()
            .map_err(|e| format!("OXCART_MAIL_FROM `{}` is not a mailbox: {e}", config.mail.from))?;
        let transport = match &config.mail.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| format!("OXCART_SMTP_URL is not usable: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            ),
            None => Transport::Files(config.data_dir.join("mail")),
        };
        Ok(Self { transport, from })
    }

    /// Sends; returns where it went (for the log).
    pub async fn send(&self, email: Email) -> Result<String, String> {
        let to: Mailbox = email.to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .message_id(Some(email.message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(email.text, email.html))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| format!("smtp: {e}"))?;
                Ok("smtp".into())
            }
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let name: String =
                    email.message_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let path = dir.join(format!("{name}.eml"));
                // Written whole, then renamed: a reader never sees half a message.
                let partial = dir.join(format!(".{name}.eml.partial"));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(|e| format!("cannot write: {e}"))?;
                tokio::fs::rename(&partial, &path).await.map_err(|e| format!("cannot write: {e}"))?;
                Ok(path.display().to_string())
            }
        }
    }
}
