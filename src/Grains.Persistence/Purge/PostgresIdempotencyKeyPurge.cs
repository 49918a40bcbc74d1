using Npgsql;

namespace Grains.Persistence.Purge;

/// <summary>
/// Batched deletes on the expiry index. SKIP LOCKED lets every silo purge at once without waiting on each other, nor
/// on a key a grain is writing.
/// </summary>
internal sealed class PostgresIdempotencyKeyPurge(NpgsqlDataSource dataSource) : IIdempotencyKeyPurge
{
    public async Task<int> DeleteBatchAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DELETE FROM idempotency_keys WHERE (user_id, idempotency_key) IN (
                SELECT user_id, idempotency_key FROM idempotency_keys
                WHERE coalesce(completed_at, started_at) < $1
                LIMIT $2 FOR UPDATE SKIP LOCKED)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = changedBefore.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
