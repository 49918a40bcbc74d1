-- Durable reminders. due_at is the next tick; it advances after each delivered tick.
-- ETags come from one sequence so a removed and re-created reminder never reuses an old ETag.
CREATE SEQUENCE reminder_etag;

CREATE TABLE reminders (
    grain_type     text        NOT NULL,
    grain_key      text        NOT NULL,
    reminder_name  text        NOT NULL,
    partition      integer     NOT NULL,
    start_at       timestamptz NOT NULL,
    period_ms      bigint      NOT NULL CHECK (period_ms > 0),
    due_at         timestamptz NOT NULL,
    etag           bigint      NOT NULL DEFAULT nextval('reminder_etag'),
    PRIMARY KEY (grain_type, grain_key, reminder_name)
);

CREATE INDEX reminders_due_at ON reminders (due_at);
