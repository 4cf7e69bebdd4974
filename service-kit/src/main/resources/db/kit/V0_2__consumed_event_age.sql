-- Applied events are remembered for palisade.consumer.retention, then pruned oldest first.
CREATE INDEX consumed_event_age_idx ON consumed_event (consumed_at);
