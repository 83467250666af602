-- Stripe webhook events already handled, by Stripe's event id: a repeat changes nothing.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    created     BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
