using System.Text.Json;
using System.Text.Json.Serialization;
using Grains.Idempotency;
using Npgsql;
using NpgsqlTypes;
using Runtime.Storage;

namespace Grains.Persistence.Stores;

/// <summary>
/// An idempotency key in <c>idempotency_keys</c>, one row per (user, key): the unique constraint that backs the
/// API's idempotency, whatever the activations.
/// </summary>
internal sealed class IdempotencyStateStore(NpgsqlDataSource dataSource) : IGrainStateStore<IdempotencyState>
{
    private const string KeyCondition = "user_id = $1 AND idempotency_key = $2";

    public async Task<StoredState<IdempotencyState>?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(key.GrainKey);
        await using var command = dataSource.CreateCommand($"SELECT fingerprint, completed, started_at, completed_at, response::text, etag FROM idempotency_keys WHERE {KeyCondition}");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var state = new IdempotencyState
        {
            Fingerprint = reader.GetString(0),
            Completed = reader.GetBoolean(1),
            StartedAt = reader.GetFieldValue<DateTimeOffset>(2),
            CompletedAt = reader.IsDBNull(3) ? default : reader.GetFieldValue<DateTimeOffset>(3),
            Response = reader.IsDBNull(4) ? null : JsonSerializer.Deserialize(reader.GetString(4), StoredResponseJson.Default.StoredResponse),
        };
        return new StoredState<IdempotencyState>(state, reader.GetInt64(5));
    }

    public async Task<long> WriteAsync(GrainStateKey key, int partition, IdempotencyState state, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(key.GrainKey);
        var response = state.Response is { } stored ? JsonSerializer.Serialize(stored, StoredResponseJson.Default.StoredResponse) : null;
        var completedAt = state.Completed ? state.CompletedAt : (DateTimeOffset?)null;
        await using var command = expectedEtag is null
            ? dataSource.CreateCommand(
                $"INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, completed, started_at, completed_at, response, partition, etag) SELECT $1, $2, $3, $4, $5, $6, $7, $8, 1 {PostgresFence.Condition(fence, 9, "WHERE")} ON CONFLICT DO NOTHING")
            : dataSource.CreateCommand(
                $"UPDATE idempotency_keys SET fingerprint = $3, completed = $4, started_at = $5, completed_at = $6, response = $7, etag = etag + 1 WHERE {KeyCondition} AND etag = $8 {PostgresFence.Condition(fence, 9)}");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Fingerprint ?? "" });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Completed });
        command.Parameters.Add(new NpgsqlParameter { Value = state.StartedAt });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)completedAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)response ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag is null ? partition : expectedEtag.Value });
        PostgresFence.AddParameters(command.Parameters, fence, partition);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return (expectedEtag ?? 0) + 1;
        }

        throw PostgresFence.Conflict(key, partition, expectedEtag, await CurrentEtagAsync(userId, idempotencyKey).ConfigureAwait(false), fence);
    }

    public async Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(key.GrainKey);
        await using var command = dataSource.CreateCommand($"DELETE FROM idempotency_keys WHERE {KeyCondition} AND etag = $3 {PostgresFence.Condition(fence, 4)}");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
        PostgresFence.AddParameters(command.Parameters, fence, partition);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw PostgresFence.Conflict(key, partition, expectedEtag, await CurrentEtagAsync(userId, idempotencyKey).ConfigureAwait(false), fence);
        }
    }

    private Task<long?> CurrentEtagAsync(string userId, string idempotencyKey)
        => GuardedWrite.ScalarEtagAsync(dataSource, $"SELECT etag FROM idempotency_keys WHERE {KeyCondition}", userId, idempotencyKey);
}

[JsonSerializable(typeof(StoredResponse))]
internal sealed partial class StoredResponseJson : JsonSerializerContext;
