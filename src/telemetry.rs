//! Structured logs through `tracing`: human-readable or JSON lines.

use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{Config, LogFormat};

/// Installs the global subscriber. `RUST_LOG` wins over `OXCART_LOG_LEVEL` when set.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = fmt().with_env_filter(filter).with_target(false).with_ansi(ansi);
    let _ = match config.log_format {
        LogFormat::Json => {
            builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init()
        }
        LogFormat::Pretty => builder.compact().try_init(),
    };
}
