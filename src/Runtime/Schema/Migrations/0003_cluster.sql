-- Cluster membership: one row per silo process (a restarted silo is a new member). Times are the database's.
CREATE TABLE silos (
    id            text        PRIMARY KEY,
    name          text        NOT NULL,
    endpoint      text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('Joining', 'Active', 'ShuttingDown', 'Dead')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    -- What the silo reports with each heartbeat (activations per grain type), for the cluster status API.
    stats         jsonb       NOT NULL DEFAULT '{}'
);

-- Placement: who serves each partition, until when. A claim bumps the epoch.
-- Rows for every partition are created by the first silo (the partition count is fixed per cluster).
CREATE TABLE silo_partitions (
    partition         integer     PRIMARY KEY CHECK (partition >= 0),
    owner             text        NULL,
    epoch             bigint      NOT NULL DEFAULT 0,
    lease_expires_at  timestamptz NULL
);

CREATE INDEX silo_partitions_owner ON silo_partitions (owner);
