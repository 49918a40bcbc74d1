using Grains.Outbox;
using IntegrationEvents;
using Npgsql;

namespace Grains.Persistence.Outbox;

/// <summary>
/// The <c>outbox</c> table as the relays read it. A shard is the set of aggregates whose id hashes to it (PostgreSQL's
/// own text hash, so every silo agrees); a relay holds its shard with a transaction-scoped advisory lock for as long
/// as it publishes a batch, so no two relays ever work one aggregate's events at once. The transaction also makes a
/// crash safe: a relay that dies before marking rolls back nothing but its lock, and the rows are still pending.
/// </summary>
public sealed class PostgresOutboxStore(NpgsqlDataSource dataSource) : IOutboxStore
{
    /// <summary>The first key of the relays' advisory locks (the second is the shard), apart from any other lock.</summary>
    public const int RelayLockSpace = 0x0B0C;

    public async Task<IOutboxClaim?> ClaimAsync(int shard, int shards, int max, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT pg_try_advisory_xact_lock($1, $2)") { Parameters = { new() { Value = RelayLockSpace }, new() { Value = shard } } },
                    new NpgsqlBatchCommand("""
                        SELECT id, event_type, aggregate_type, aggregate_id, occurred_at, payload::text, trace_parent, trace_state
                        FROM outbox
                        WHERE published_at IS NULL AND mod(hashtextextended(aggregate_id, 0) & 2147483647, $1) = $2
                        ORDER BY position
                        LIMIT $3
                        """)
                    {
                        Parameters = { new() { Value = (long)shards }, new() { Value = (long)shard }, new() { Value = max } },
                    },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!reader.GetBoolean(0))
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                await DisposeAsync(connection, transaction).ConfigureAwait(false);
                return null;
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var events = new List<IntegrationEvent>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var trace = reader.IsDBNull(6) ? null : new EventTrace(reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7));
                events.Add(new IntegrationEvent(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), trace));
            }

            return new Claim(connection, transaction, events);
        }
        catch
        {
            await DisposeAsync(connection, transaction).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<int> PurgeAsync(DateTimeOffset publishedBefore, int max, CancellationToken cancellationToken)
    {
        // SKIP LOCKED: every silo purges, none waits for another.
        await using var command = dataSource.CreateCommand("""
            DELETE FROM outbox WHERE id IN (
                SELECT id FROM outbox WHERE published_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = publishedBefore.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask DisposeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Claim(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<IntegrationEvent> events) : IOutboxClaim
    {
        public IReadOnlyList<IntegrationEvent> Events => events;

        public async Task MarkPublishedAsync(DateTimeOffset publishedAt, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("UPDATE outbox SET published_at = $1 WHERE id = ANY($2)", connection, transaction)
            {
                Parameters = { new() { Value = publishedAt.ToUniversalTime() }, new() { Value = events.Select(e => e.Id).ToArray() } },
            };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Unmarked, the transaction rolls back: the events stay pending and the shard is free again.</summary>
        public ValueTask DisposeAsync() => PostgresOutboxStore.DisposeAsync(connection, transaction);
    }
}
