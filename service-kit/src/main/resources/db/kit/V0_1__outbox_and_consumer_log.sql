-- Shipped by service-kit; every service runs it before its own migrations (V1 and up).

-- Events written in the same transaction as the state change they describe; the relay publishes
-- them to Kafka in seq order and deletes them once the broker acknowledged.
CREATE TABLE outbox (
    seq         BIGSERIAL PRIMARY KEY,
    id          UUID        NOT NULL,
    topic       TEXT        NOT NULL,
    message_key TEXT        NOT NULL,
    payload     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Events a consumer has applied, recorded in the same transaction as their effect.
CREATE TABLE consumed_event (
    consumer    TEXT        NOT NULL,
    event_id    TEXT        NOT NULL,
    consumed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
