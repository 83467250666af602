//! Prometheus metrics. One registry per app; domains add their own metrics to it.

use std::time::Duration;

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route template (`/v1/carts/{id}`), never the raw path, so ids don't explode the series.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    orders: Family<StatusLabel, Gauge>,
    payments: Family<StatusLabel, Gauge>,
    outbox_backlog: Gauge,
    outbox: Family<StatusLabel, Gauge>,
    emails: Family<StatusLabel, Counter>,
}

/// What the database says at scrape time. Read from the database rather than counted in the
/// process, so every server process reports the same store-wide numbers.
pub struct StoreSnapshot {
    pub orders_by_status: Vec<(String, i64)>,
    pub payments_by_status: Vec<(String, i64)>,
    pub outbox_backlog: i64,
    pub outbox_by_status: Vec<(String, i64)>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("oxcart");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer an HTTP request", latency.clone());
        let orders = Family::<StatusLabel, Gauge>::default();
        let payments = Family::<StatusLabel, Gauge>::default();
        let outbox_backlog = Gauge::default();
        registry.register(
            "orders",
            "Orders in the store by status (placed orders are paid and later)",
            orders.clone(),
        );
        registry.register("payments", "Payments by outcome", payments.clone());
        registry.register(
            "outbox_backlog",
            "Side effects (emails, webhooks) waiting for delivery",
            outbox_backlog.clone(),
        );
        let outbox = Family::<StatusLabel, Gauge>::default();
        let emails = Family::<StatusLabel, Counter>::default();
        registry.register("outbox", "Outbox messages by delivery status (dead: gave up)", outbox.clone());
        registry.register("emails", "Emails this process sent or failed to send", emails.clone());
        Self { registry, requests, latency, orders, payments, outbox_backlog, outbox, emails }
    }

    pub fn observe_request(&self, labels: RequestLabels, elapsed: Duration) {
        self.latency.get_or_create(&labels).observe(elapsed.as_secs_f64());
        self.requests.get_or_create(&labels).inc();
    }

    pub fn set_store(&self, snapshot: &StoreSnapshot) {
        for (status, count) in &snapshot.orders_by_status {
            self.orders.get_or_create(&StatusLabel { status: status.clone() }).set(*count);
        }
        for (status, count) in &snapshot.payments_by_status {
            self.payments.get_or_create(&StatusLabel { status: status.clone() }).set(*count);
        }
        self.outbox_backlog.set(snapshot.outbox_backlog);
        for (status, count) in &snapshot.outbox_by_status {
            self.outbox.get_or_create(&StatusLabel { status: status.clone() }).set(*count);
        }
    }

    pub fn email_sent(&self) {
        self.emails.get_or_create(&StatusLabel { status: "sent".into() }).inc();
    }

    pub fn email_failed(&self) {
        self.emails.get_or_create(&StatusLabel { status: "failed".into() }).inc();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}
