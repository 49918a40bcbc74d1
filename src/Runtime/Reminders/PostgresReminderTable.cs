using Npgsql;

namespace Runtime.Reminders;

/// <summary>Reminders in PostgreSQL's <c>reminders</c> table; ETags come from the <c>reminder_etag</c> sequence.</summary>
public sealed class PostgresReminderTable(NpgsqlDataSource dataSource) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, reminder_name, partition, start_at, period_ms, due_at, etag";
    private const string KeyCondition = "grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    public async Task<long> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand(
            """
            INSERT INTO reminders (grain_type, grain_key, reminder_name, partition, start_at, period_ms, due_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
            SET partition = excluded.partition, start_at = excluded.start_at, period_ms = excluded.period_ms,
                due_at = excluded.due_at, etag = nextval('reminder_etag')
            RETURNING etag
            """,
            entry.GrainId,
            entry.Name);
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Partition });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.StartAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)entry.Period.TotalMilliseconds });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.DueAt.ToUniversalTime() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand($"DELETE FROM reminders WHERE {KeyCondition}", grainId, name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand($"SELECT {Columns} FROM reminders WHERE {KeyCondition}", grainId, name);
        var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, IReadOnlyCollection<int>? partitions, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(partitions is null
            ? $"SELECT {Columns} FROM reminders WHERE due_at <= $1"
            : $"SELECT {Columns} FROM reminders WHERE due_at <= $1 AND partition = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = dueBefore.ToUniversalTime() });
        if (partitions is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = partitions.ToArray() });
        }

        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long?> AdvanceAsync(GrainId grainId, string name, long expectedEtag, DateTimeOffset nextDue, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand(
            $"UPDATE reminders SET due_at = $5, etag = nextval('reminder_etag') WHERE {KeyCondition} AND etag = $4 RETURNING etag",
            grainId,
            name);
        command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
        command.Parameters.Add(new NpgsqlParameter { Value = nextDue.ToUniversalTime() });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    private static async Task<List<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                TimeSpan.FromMilliseconds(reader.GetInt64(5)),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetInt64(7)));
        }

        return entries;
    }

    private NpgsqlCommand KeyCommand(string sql, GrainId grainId, string name)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return command;
    }
}
