using Npgsql;
using NpgsqlTypes;

namespace Runtime.Storage;

/// <summary>
/// Grain state in PostgreSQL's <c>grain_state</c> table as JSONB with a bigint ETag. Each operation is one
/// autocommitted statement, one round trip; the ETag condition lives in its WHERE clause.
/// </summary>
public sealed class PostgresGrainStorage(NpgsqlDataSource dataSource) : IGrainStorage
{
    private const string KeyCondition = "grain_type = $1 AND grain_key = $2 AND state_name = $3";

    public async Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        await using var command = KeyCommand($"SELECT etag, state::text FROM grain_state WHERE {KeyCondition}", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredGrainState(reader.GetString(1), reader.GetInt64(0))
            : null;
    }

    public async Task<long> WriteAsync(GrainStateKey key, int partition, string json, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        NpgsqlCommand command;
        if (expectedEtag is null)
        {
            command = KeyCommand(
                $"INSERT INTO grain_state (grain_type, grain_key, state_name, partition, etag, state) SELECT $1, $2, $3, $4, 1, $5 {PostgresFence.Condition(fence, 6, "WHERE")} ON CONFLICT DO NOTHING",
                key);
            command.Parameters.Add(new NpgsqlParameter { Value = partition });
        }
        else
        {
            command = KeyCommand($"UPDATE grain_state SET etag = etag + 1, state = $5, updated_at = now() WHERE {KeyCondition} AND etag = $4 {PostgresFence.Condition(fence, 6)}", key);
            command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag.Value });
        }

        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json });
        PostgresFence.AddParameters(command.Parameters, fence, partition);
        await using (command.ConfigureAwait(false))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return (expectedEtag ?? 0) + 1;
            }
        }

        throw await ConflictAsync(key, partition, expectedEtag, fence, cancellationToken).ConfigureAwait(false);
    }

    public async Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        await using (var command = KeyCommand($"DELETE FROM grain_state WHERE {KeyCondition} AND etag = $4 {PostgresFence.Condition(fence, 5)}", key))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
            PostgresFence.AddParameters(command.Parameters, fence, partition);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return;
            }
        }

        throw await ConflictAsync(key, partition, expectedEtag, fence, cancellationToken).ConfigureAwait(false);
    }

    private async Task<InconsistentStateException> ConflictAsync(GrainStateKey key, int partition, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        return PostgresFence.Conflict(key, partition, expectedEtag, current?.Etag, fence);
    }

    private NpgsqlCommand KeyCommand(string sql, GrainStateKey key)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = key.GrainType });
        command.Parameters.Add(new NpgsqlParameter { Value = key.GrainKey });
        command.Parameters.Add(new NpgsqlParameter { Value = key.StateName });
        return command;
    }
}
