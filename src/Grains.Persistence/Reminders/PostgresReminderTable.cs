using System.Globalization;
using Grains.Persistence.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Grains.Persistence.Reminders;

/// <summary>
/// Orleans' reminder table on <c>orleans_reminders</c>, with its writes going through the
/// <see cref="SharedTransactionWriter"/>: every order and every payment registers a reminder as it is created, and
/// alone each registration was a transaction of its own (Orleans' ADO.NET provider runs one per call); now they share
/// the commit of whatever grain states are being written at the same moment, as those share one another's. A row's
/// ETag is a random version written with it, so an upsert needs no answer from the database, and a removal with a
/// stale ETag removes nothing. A ring hash is stored as the signed integer of its bits, so the ring's order is rotated
/// by half a turn there: a range that does not wrap in that order is one comparison, and one that does is two.
/// </summary>
public sealed class PostgresReminderTable(SharedTransactionWriter writer, IOptions<ClusterOptions> cluster) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_time, period_ms, version";

    private string ServiceId => cluster.Value.ServiceId;

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId)
        => ReadAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2", ServiceId, grainId.ToString());

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        var (low, high) = (unchecked((int)begin), unchecked((int)end));
        var range = low < high ? "grain_hash > $2 AND grain_hash <= $3" : "(grain_hash > $2 OR grain_hash <= $3)";
        return ReadAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND {range}", ServiceId, low, high);
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await ReadAsync($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND reminder_name = $3",
            ServiceId, grainId.ToString(), reminderName).ConfigureAwait(false);

        return rows.Reminders.FirstOrDefault();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var version = Random.Shared.Next(1, int.MaxValue);
        var upsert = GuardedWrite.Command("""
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET grain_hash = excluded.grain_hash, start_time = excluded.start_time, period_ms = excluded.period_ms, version = excluded.version
            """, ServiceId, entry.GrainId.ToString(), entry.ReminderName, unchecked((int)entry.GrainId.GetUniformHashCode()),
            new DateTimeOffset(entry.StartAt.ToUniversalTime(), TimeSpan.Zero), (long)entry.Period.TotalMilliseconds, version);
        if (!await writer.WriteAsync([upsert], upsert, CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Reminder {entry.ReminderName} of {entry.GrainId} was not written.");
        }

        return version.ToString(CultureInfo.InvariantCulture);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!int.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return Task.FromResult(false);
        }

        var delete = GuardedWrite.Command("DELETE FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND reminder_name = $3 AND version = $4",
            ServiceId, grainId.ToString(), reminderName, version);
        return writer.WriteAsync([delete], delete, CancellationToken.None);
    }

    public async Task TestOnlyClearTable()
    {
        await using var command = Command("DELETE FROM orleans_reminders WHERE service_id = $1", ServiceId);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private async Task<ReminderTableData> ReadAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = reader.GetFieldValue<DateTimeOffset>(2).UtcDateTime,
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetInt32(4).ToString(CultureInfo.InvariantCulture),
            });
        }

        return new ReminderTableData(entries);
    }

    private NpgsqlCommand Command(string sql, params object[] parameters)
    {
        var command = writer.DataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
