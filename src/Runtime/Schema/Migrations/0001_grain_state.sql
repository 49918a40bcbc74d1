-- Generic grain state: one row per (grain, state name), JSON with a version for conditional writes.
-- fillfactor leaves room on each page so a hot grain's updates stay HOT (heap-only: no index writes).
CREATE TABLE grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    partition   integer     NOT NULL,
    etag        bigint      NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key, state_name)
) WITH (fillfactor = 80);

CREATE INDEX grain_state_partition ON grain_state (partition);
