using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// What PostgreSQL did between two snapshots: transactions committed and rolled back in the benchmark's database, row
/// reads by index and rows written (all tables), and WAL bytes (the whole server, which only the benchmark uses). The
/// counters are PostgreSQL's cumulative statistics, which a busy backend reports at most once a second and an idle one
/// after <see cref="Settle"/>: a snapshot is only exact once the load before it has been quiet that long.
/// </summary>
public sealed record DatabaseActivity(long Commits, long Rollbacks, long IndexScans, long RowsWritten, long WalBytes)
{
    /// <summary>
    /// How long after a load every backend has reported its counters: a backend reports when it goes idle, at most once
    /// a second, and otherwise within PGSTAT_IDLE_INTERVAL (10 s); read sooner, the last writes of an idle pooled
    /// connection are missing.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(11);

    /// <summary>Per table: index scans, sequential scans, rows inserted, updated and deleted.</summary>
    public IReadOnlyDictionary<string, long[]> Tables { get; init; } = new Dictionary<string, long[]>();

    public static async Task<DatabaseActivity> SnapshotAsync(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("""
            SELECT d.xact_commit, d.xact_rollback,
                   (SELECT coalesce(sum(idx_scan), 0)::bigint FROM pg_stat_user_tables),
                   (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables),
                   pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint
            FROM pg_stat_database d WHERE d.datname = current_database()
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var totals = new DatabaseActivity(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        await reader.CloseAsync();
        await using var perTable = dataSource.CreateCommand(
            "SELECT relname, coalesce(idx_scan, 0), seq_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables");
        await using var rows = await perTable.ExecuteReaderAsync();
        var tables = new Dictionary<string, long[]>(StringComparer.Ordinal);
        while (await rows.ReadAsync())
        {
            tables[rows.GetString(0)] = [rows.GetInt64(1), rows.GetInt64(2), rows.GetInt64(3), rows.GetInt64(4), rows.GetInt64(5)];
        }

        return totals with { Tables = tables };
    }

    /// <summary>Per unit of work (an order): commits, index scans (reads), rows written and WAL bytes, as JSON and printed rows.</summary>
    public JsonObject PerUnit(DatabaseActivity before, int units, Action<string, string>? row = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        double Per(long after, long was) => units == 0 ? 0 : (after - was) / (double)units;
        var json = new JsonObject
        {
            ["commits"] = Math.Round(Per(Commits, before.Commits), 2),
            ["rollbacks"] = Math.Round(Per(Rollbacks, before.Rollbacks), 3),
            ["index_scans"] = Math.Round(Per(IndexScans, before.IndexScans), 2),
            ["rows_written"] = Math.Round(Per(RowsWritten, before.RowsWritten), 2),
            ["wal_bytes"] = Math.Round(Per(WalBytes, before.WalBytes), 0),
            ["tables"] = Breakdown(before, units),
        };
        row?.Invoke("  commits / rollbacks", $"{Fixed(Per(Commits, before.Commits))} / {Per(Rollbacks, before.Rollbacks).ToString("F3", CultureInfo.InvariantCulture)}");
        row?.Invoke("  index scans / rows written", $"{Fixed(Per(IndexScans, before.IndexScans))} / {Fixed(Per(RowsWritten, before.RowsWritten))}");
        row?.Invoke("  WAL bytes", Per(WalBytes, before.WalBytes).ToString("N0", CultureInfo.InvariantCulture));
        return json;
    }

    /// <summary>Per table that did anything: index scans, sequential scans, inserts, updates and deletes per unit.</summary>
    private JsonObject Breakdown(DatabaseActivity before, int units)
    {
        string[] names = ["index_scans", "seq_scans", "inserts", "updates", "deletes"];
        var tables = new JsonObject();
        foreach (var (table, after) in Tables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var was = before.Tables.GetValueOrDefault(table) ?? new long[names.Length];
            var deltas = after.Select((value, i) => value - was[i]).ToArray();
            if (units > 0 && deltas.Any(d => d != 0))
            {
                tables[table] = new JsonObject(names.Select((name, i) => KeyValuePair.Create(name, (JsonNode?)Math.Round(deltas[i] / (double)units, 3))));
            }
        }

        return tables;
    }

    private static string Fixed(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
