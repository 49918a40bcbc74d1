using Npgsql;

namespace Notifications.Tests.Infrastructure;

/// <summary>One row of notification_inbox, as the worker left it.</summary>
public sealed record InboxRow(Guid EventId, string EventType, string State, int Attempts, bool Handled);

/// <summary>Reads a worker's inbox table straight from its database.</summary>
public static class InboxTable
{
    public static async Task<IReadOnlyList<InboxRow>> ReadAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT event_id, event_type, state, attempts, handled_at IS NOT NULL FROM notification_inbox ORDER BY received_at, event_id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<InboxRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new InboxRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return rows;
    }
}
