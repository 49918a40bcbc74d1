using Grains.Outbox;
using Grains.Persistence.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Grains.Persistence.Stores;

/// <summary>
/// Outbox rows as batch commands, to ride in the transaction of the state change that raised them. An event whose
/// dedupe key is written already is that event again (a grain repeating a step whose answer was lost): it is skipped,
/// not an error, so the repeat's state change still lands.
/// </summary>
internal static class OutboxWrites
{
    public static void AddTo(List<NpgsqlBatchCommand> commands, IReadOnlyList<OutboxMessage> messages)
    {
        foreach (var message in messages)
        {
            var command = GuardedWrite.Command(
                """
                INSERT INTO outbox (id, dedupe_key, aggregate_type, aggregate_id, event_type, payload, occurred_at, trace_parent, trace_state)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (dedupe_key) DO NOTHING
                """,
                message.Id, message.DedupeKey, message.AggregateType, message.AggregateId, message.EventType, message.Payload, message.OccurredAt,
                message.Trace?.TraceParent, message.Trace?.TraceState);
            command.Parameters[5].NpgsqlDbType = NpgsqlDbType.Jsonb;

            // Typed: a null has no type of its own to send.
            command.Parameters[7].NpgsqlDbType = NpgsqlDbType.Text;
            command.Parameters[8].NpgsqlDbType = NpgsqlDbType.Text;
            commands.Add(command);
        }
    }
}
