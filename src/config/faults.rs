//! Fault injection, for the crash and failure tests only. Read from the process environment and
//! never from `oxcart.toml` (a `fault_…` key there is refused as unknown), so a configuration
//! file copied into production cannot switch any of it on.

use std::time::Duration;

use super::error::ConfigError;

#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// `OXCART_FAULT_PAUSE_AFTER_CHARGE_MS`: checkout sleeps this long after the charge and
    /// before recording it, so a test can kill the process in exactly that window.
    pub pause_after_charge: Option<Duration>,
    /// `OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT`: the share of calls, in percent, that the
    /// `test` payment provider fails. Half of the failed charges are made first and only their
    /// answer is lost, as happens when a gateway times out after charging.
    pub test_provider_failure_percent: u8,
    /// `OXCART_FAULT_TAX_PROVIDER_DOWN=1`: the tax provider never answers, as an external
    /// calculator that is down, so a test can see checkout refuse rather than charge no tax.
    pub tax_provider_down: bool,
}

impl Faults {
    pub(super) fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |key: &str| -> Result<Option<u64>, ConfigError> {
            env(key)
                .map(|v| {
                    v.trim().parse().map_err(|_| ConfigError(format!("{key} `{v}` is not a valid value")))
                })
                .transpose()
        };
        let pause_after_charge = number("OXCART_FAULT_PAUSE_AFTER_CHARGE_MS")?.map(Duration::from_millis);
        let percent = number("OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT")?.unwrap_or(0);
        let test_provider_failure_percent =
            u8::try_from(percent).ok().filter(|p| *p <= 100).ok_or_else(|| {
                ConfigError("OXCART_FAULT_TEST_PROVIDER_FAILURE_PERCENT must be 0 to 100".into())
            })?;
        let tax_provider_down = number("OXCART_FAULT_TAX_PROVIDER_DOWN")?.is_some_and(|n| n != 0);
        Ok(Self { pause_after_charge, test_provider_failure_percent, tax_provider_down })
    }
}
