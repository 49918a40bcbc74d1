-- The tables behind Orleans' ADO.NET clustering, reminder and grain-storage providers, and the OrleansQuery rows
-- they run. The provider packages ship no SQL: at start each one reads `SELECT QueryKey, QueryText FROM OrleansQuery`
-- and afterwards runs only those texts, binding its own parameters (@DeploymentId, @Version, ...) and reading result
-- columns by name. The queries below are ours, written for that contract as the 10.x providers implement it.
--
-- Contract points the queries rely on:
--  * DateTime parameters arrive as UTC and bind as timestamptz, so every time column is timestamptz.
--  * Result columns are matched by name, so each is aliased to the provider's spelling ("Version", "Address", ...).
--  * Versions (etags) are integers: the providers parse them with int.Parse and send them back as int4.
--  * A grain or range hash is a uint that the providers send cast to int, so hashes are stored signed.

-- Unquoted on purpose: the providers' SELECT is unquoted too, so both fold to orleansquery.
CREATE TABLE OrleansQuery (
    QueryKey   text PRIMARY KEY,
    QueryText  text NOT NULL
);

-- Clustering ---------------------------------------------------------------------------------------------------------

-- One row per cluster (ClusterId, which the provider calls DeploymentId). Every change to the cluster's members goes
-- through this row: it is locked and its version bumped only when the writer saw the current version, which is
-- the optimistic concurrency the membership protocol is built on.
CREATE TABLE orleans_membership_version (
    deployment_id  text        PRIMARY KEY,
    version        integer     NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_membership (
    deployment_id    text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address          text        NOT NULL,
    port             integer     NOT NULL,
    generation       integer     NOT NULL,
    silo_name        text        NOT NULL,
    host_name        text        NOT NULL,
    status           integer     NOT NULL,
    proxy_port       integer     NOT NULL,
    -- Kept in the provider's own encoding ("silo,date|silo,date"): only the provider reads it.
    suspect_times    text        NULL,
    start_time       timestamptz NOT NULL,
    i_am_alive_time  timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Reminders ----------------------------------------------------------------------------------------------------------

CREATE TABLE orleans_reminders (
    service_id     text        NOT NULL,
    grain_id       text        NOT NULL,
    reminder_name  text        NOT NULL,
    grain_hash     integer     NOT NULL,
    start_time     timestamptz NOT NULL,
    period_ms      bigint      NOT NULL,
    version        integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Each silo reads the reminders of its own slices of the hash ring.
CREATE INDEX orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);

-- Grain storage ------------------------------------------------------------------------------------------------------

-- A row is a grain's state as the provider identifies it: the state's name (the provider's "grain type"), the grain
-- key as two longs (a Guid's halves, or 0 and an integer key) plus a string (a string key, or a key extension), and
-- a hash of each. Neither the grain's class nor its kind of key is part of it, so grain classes that use the same
-- state name on one storage provider must not use the same keys.
-- A payload of NULL is a cleared state whose row keeps its version for the next write.
CREATE TABLE orleans_storage (
    service_id        text        NOT NULL,
    grain_type        text        NOT NULL,
    grain_type_hash   integer     NOT NULL,
    grain_id_hash     integer     NOT NULL,
    grain_id_n0       bigint      NOT NULL,
    grain_id_n1       bigint      NOT NULL,
    -- '' rather than NULL when the key has no string part, so that the unique index below can see such keys equal.
    grain_id_string   text        NOT NULL,
    payload           bytea       NULL,
    version           integer     NOT NULL,
    modified_at       timestamptz NOT NULL DEFAULT now()
);

-- The strings enter the unique index as digests because a string grain key has no length limit and a btree entry
-- does. The queries still compare the full strings.
CREATE UNIQUE INDEX orleans_storage_identity ON orleans_storage (
    grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, md5(grain_type), md5(grain_id_string)
);

-- Clustering queries -------------------------------------------------------------------------------------------------

-- Every silo runs this at start. With ON CONFLICT, silos starting together on an empty table all succeed and exactly
-- one of them reports having created the row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created"
$sql$);

-- The provider reads the table version from the first row even when there are no members, so both reads start at
-- the version row and join the members to it. StartTime NULL is how the provider recognises "no member here".
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$sql$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
       m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$sql$);

-- @Version is the table version the silo last read. The version row's update is the gate: a concurrent writer
-- waits on its lock and then finds the version moved, so only one of two racing changes lands. The member is written
-- only through the bumped row, so a failed check leaves both tables untouched, and the answer is whether it landed.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM orleans_membership
          WHERE deployment_id = @DeploymentId
            AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), inserted AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted) AS "Inserted"
$sql$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = @DeploymentId
      AND version = @Version
      AND EXISTS (
          SELECT 1 FROM orleans_membership
          WHERE deployment_id = @DeploymentId
            AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deployment_id
), updated AS (
    UPDATE orleans_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated) AS "Updated"
$sql$);

-- A heartbeat, not a membership change: the protocol does not version it.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
$sql$);

-- @Status is the provider's "Active". A silo without a gateway registers proxy port 0.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0
$sql$);

-- Removes the whole cluster: its members go with the version row (ON DELETE CASCADE), and the next silo to start
-- creates the row afresh.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId
$sql$);

-- 6 is SiloStatus.Dead, which the provider does not pass. A dead silo never comes back (it rejoins under a new
-- generation), so its row can go without a version bump: no live silo will write it again. (The 10.4 provider would
-- instead delete row by row through an optional CleanupDefunctSiloEntryKey if one were present. This one statement
-- makes the same decision without a read first.)
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND i_am_alive_time < @IAmAliveTime
$sql$);

-- Reminder queries ---------------------------------------------------------------------------------------------------

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$sql$);

-- A ring range is (begin, end]. The provider picks this query when begin < end compared as signed ints, the same
-- order the hashes are stored in, so the range does not wrap here...
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$);

-- ...and this one otherwise: the range wraps past the largest hash, and begin = end is the whole ring.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', $sql$
SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
FROM orleans_reminders
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$);

-- The answer is the row's new etag. @Period comes as int4 or int8 depending on its size, and both fit the bigint column.
-- Versions go back to 1 after int's maximum, because the provider parses etags as int.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash,
    start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    version = r.version % 2147483647 + 1
RETURNING version AS "Version"
$sql$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS "Deleted"
$sql$);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminders
WHERE service_id = @ServiceId
$sql$);

-- Grain storage queries ----------------------------------------------------------------------------------------------

-- No row at all is a state never written: the provider then gives the grain a default state and no etag.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_string = coalesce(@GrainIdExtensionString, '')
$sql$);

-- The write, clear and delete queries always answer exactly one row, with NULL when @GrainStateVersion was stale:
-- the provider turns NULL into InconsistentStateException, but would take "no row" as success for a first write.
-- A NULL @GrainStateVersion means the grain believes no row exists: it may only insert, and losing the insert race
-- to another activation is a conflict like any other. Versions go back to 1 after int's maximum, which a busy
-- grain can reach, because the provider parses etags as int.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, version = version % 2147483647 + 1, modified_at = now()
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_string = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
), inserted AS (
    INSERT INTO orleans_storage (service_id, grain_type, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1,
                                 grain_id_string, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted) AS "NewGrainStateVersion"
$sql$);

-- Clearing keeps the row with a NULL payload and a new version, so a stale activation still conflicts afterwards.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE orleans_storage
    SET payload = NULL, version = version % 2147483647 + 1, modified_at = now()
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_string = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$sql$);

-- Used instead of ClearStorageKey when the storage option DeleteStateOnClear is set. The provider counts an answer
-- equal to the etag it sent as a conflict, so a successful delete answers with the version after it.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_storage
    WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_string = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version % 2147483647 + 1 FROM deleted) AS "NewGrainStateVersion"
$sql$);
