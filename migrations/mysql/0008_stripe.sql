-- Stripe webhook events already handled, by Stripe's event id: a repeat changes nothing.
CREATE TABLE stripe_events (
    id          VARCHAR(255) NOT NULL PRIMARY KEY,
    type        TEXT NOT NULL,
    created     BIGINT NOT NULL,
    received_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
