-- The outbox relay (case C18). Rows are published in the order they were written: `position` says that order (the
-- events of one aggregate are written one transaction after the other by its grain, so their positions follow the
-- order they were raised). The relay reads pending rows by position; the purge deletes published rows by age.
ALTER TABLE outbox ADD COLUMN position bigint GENERATED ALWAYS AS IDENTITY;

DROP INDEX outbox_unpublished;
CREATE INDEX outbox_pending ON outbox (position) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- The W3C trace context (`traceparent`, `tracestate`) of the grain call that raised the event, null when it was raised
-- outside any trace: the relay publishes the event in that trace, so one order's trace reaches the mail it causes.
ALTER TABLE outbox ADD COLUMN trace_parent text, ADD COLUMN trace_state text;
