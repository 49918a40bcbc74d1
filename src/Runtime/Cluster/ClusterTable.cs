using System.Text.Json;
using Npgsql;

namespace Runtime.Cluster;

/// <summary>
/// The cluster's shared state in PostgreSQL: <c>silos</c> (membership) and <c>silo_partitions</c> (leases). Every
/// time comparison happens in SQL against the database's clock, so silos never compare their own clocks.
/// </summary>
internal sealed class ClusterTable(NpgsqlDataSource dataSource)
{
    /// <summary>NOTIFY channel: a silo changed status or released partitions; listeners rebalance at once.</summary>
    public const string ChangeChannel = "runtime_cluster";

    /// <summary>Creates a row per partition the first time; refuses a silo configured with another partition count.</summary>
    public async Task EnsurePartitionsAsync(int partitionCount, CancellationToken cancellationToken)
    {
        await using (var insert = dataSource.CreateCommand("INSERT INTO silo_partitions (partition) SELECT generate_series(0, $1 - 1) ON CONFLICT DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = partitionCount });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var count = dataSource.CreateCommand("SELECT count(*) FROM silo_partitions");
        var existing = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (existing != partitionCount)
        {
            throw new InvalidOperationException(
                $"This cluster has {existing} partitions but the silo is configured with Silo:PartitionCount = {partitionCount}; the count is fixed for the life of a cluster.");
        }
    }

    public async Task RegisterAsync(SiloAddress silo, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO silos (id, name, endpoint, status) VALUES ($1, $2, $3, 'Joining')");
        command.Parameters.Add(new NpgsqlParameter { Value = silo.SiloId });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = silo.Endpoint });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the silo's heartbeat, asserting its status and stats. A silo wrongly declared dead comes back, and one
    /// whose row was already deleted as long dead is registered again.
    /// </summary>
    public async Task HeartbeatAsync(SiloAddress silo, string name, SiloStatus status, string statsJson, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO silos (id, name, endpoint, status, stats) VALUES ($1, $2, $3, $4, $5::jsonb)
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), status = excluded.status, stats = excluded.stats
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = silo.SiloId });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = silo.Endpoint });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = statsJson });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task SetStatusAsync(string siloId, SiloStatus status, CancellationToken cancellationToken)
        => ExecuteAndNotifyAsync("UPDATE silos SET status = $2, heartbeat_at = now() WHERE id = $1", cancellationToken, siloId, status.ToString());

    /// <summary>Declares silos with stale heartbeats dead and forgets long-dead ones; returns how many were declared dead.</summary>
    public async Task<int> ExpireSilosAsync(TimeSpan deadAfter, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var expire = new NpgsqlBatchCommand("UPDATE silos SET status = 'Dead' WHERE status <> 'Dead' AND heartbeat_at < now() - $1");
        expire.Parameters.Add(new NpgsqlParameter { Value = deadAfter });
        var forget = new NpgsqlBatchCommand("DELETE FROM silos WHERE status = 'Dead' AND heartbeat_at < now() - $1");
        forget.Parameters.Add(new NpgsqlParameter { Value = retention });
        batch.BatchCommands.Add(expire);
        batch.BatchCommands.Add(forget);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return expire.RecordsAffected;
    }

    /// <summary>Active silos with a fresh heartbeat: the members placement is computed over.</summary>
    public async Task<IReadOnlyList<SiloAddress>> ReadActiveSilosAsync(TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, endpoint FROM silos WHERE status = 'Active' AND heartbeat_at > now() - $1 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = deadAfter });
        var silos = new List<SiloAddress>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            silos.Add(new SiloAddress(reader.GetString(0), reader.GetString(1)));
        }

        return silos;
    }

    /// <summary>Extends every lease the silo holds; returns the partitions it still holds.</summary>
    public Task<IReadOnlyList<PartitionLease>> RenewAsync(string siloId, TimeSpan lease, CancellationToken cancellationToken)
        => ReadLeasesAsync(
            "UPDATE silo_partitions SET lease_expires_at = now() + $2 WHERE owner = $1 RETURNING partition, epoch",
            cancellationToken,
            siloId,
            lease);

    /// <summary>Takes the given partitions where they are free or their lease has expired; returns those taken (and tells listeners if any).</summary>
    public async Task<IReadOnlyList<PartitionLease>> ClaimAsync(string siloId, IReadOnlyCollection<int> partitions, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimed = await ReadLeasesAsync(
            "UPDATE silo_partitions SET owner = $1, epoch = epoch + 1, lease_expires_at = now() + $2 "
                + "WHERE partition = ANY($3) AND (owner IS NULL OR lease_expires_at < now()) RETURNING partition, epoch",
            cancellationToken,
            siloId,
            lease,
            partitions.ToArray()).ConfigureAwait(false);
        if (claimed.Count > 0)
        {
            // Only when something changed: a notification makes every silo run a cycle, which must not echo forever.
            await using var notify = dataSource.CreateCommand($"NOTIFY {ChangeChannel}");
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return claimed;
    }

    public Task ReleaseAsync(string siloId, IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
        => ExecuteAndNotifyAsync(
            "UPDATE silo_partitions SET owner = NULL, lease_expires_at = NULL WHERE owner = $1 AND partition = ANY($2)",
            cancellationToken,
            siloId,
            partitions.ToArray());

    /// <summary>Releases every partition the database says the silo holds; returns how many.</summary>
    public async Task<int> ReleaseAllAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var release = new NpgsqlBatchCommand("UPDATE silo_partitions SET owner = NULL, lease_expires_at = NULL WHERE owner = $1");
        release.Parameters.Add(new NpgsqlParameter { Value = siloId });
        batch.BatchCommands.Add(release);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {ChangeChannel}"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return release.RecordsAffected;
    }

    /// <summary>The routing map: each partition with an unexpired lease held by an active silo, and that silo.</summary>
    public async Task<IReadOnlyList<(int Partition, SiloAddress Owner)>> ReadPartitionMapAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT p.partition, s.id, s.endpoint FROM silo_partitions p JOIN silos s ON s.id = p.owner "
                + "WHERE p.lease_expires_at > now() AND s.status = 'Active'");
        var map = new List<(int, SiloAddress)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            map.Add((reader.GetInt32(0), new SiloAddress(reader.GetString(1), reader.GetString(2))));
        }

        return map;
    }

    /// <summary>Every known silo with its partition count and reported activations, for the cluster status API.</summary>
    public async Task<IReadOnlyList<SiloReport>> ReadSiloReportsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT s.id, s.name, s.endpoint, s.status, s.started_at, s.heartbeat_at, s.stats::text,
                   (SELECT count(*) FROM silo_partitions p WHERE p.owner = s.id AND p.lease_expires_at > now())
            FROM silos s ORDER BY s.started_at, s.id
            """);
        var reports = new List<SiloReport>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var stats = JsonSerializer.Deserialize<SiloStats>(reader.GetString(6), ClusterJson.Options) ?? SiloStats.Empty;
            reports.Add(new SiloReport(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                Enum.Parse<SiloStatus>(reader.GetString(3)),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                (int)reader.GetInt64(7),
                stats.Activations));
        }

        return reports;
    }

    /// <summary>Runs a change and tells listening silos, in one round trip and one transaction (NOTIFY is sent on commit).</summary>
    private async Task ExecuteAndNotifyAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var batch = dataSource.CreateBatch();
        var change = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            change.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        batch.BatchCommands.Add(change);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {ChangeChannel}"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<PartitionLease>> ReadLeasesAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var leases = new List<PartitionLease>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            leases.Add(new PartitionLease(reader.GetInt32(0), reader.GetInt64(1)));
        }

        return leases;
    }
}

/// <summary>A partition this silo holds, and the epoch of the claim that gave it.</summary>
internal readonly record struct PartitionLease(int Partition, long Epoch);
