using System.Text.Json;
using System.Text.Json.Serialization;
using Grains.Idempotency;
using Grains.Persistence.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Grains.Persistence.Stores;

/// <summary>
/// An idempotency key in <c>idempotency_keys</c>, one row per (user, key): the unique constraint that backs the
/// API's idempotency, whatever the activations.
/// </summary>
internal sealed class IdempotencyStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer) : IGrainStateStore<IdempotencyState>
{
    private const string KeyCondition = "user_id = $1 AND idempotency_key = $2";

    public async Task<StoredState<IdempotencyState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(grainKey);
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

    public Task<long> WriteAsync(string grainKey, IdempotencyState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(grainKey);
        var response = state.Response is { } stored ? JsonSerializer.Serialize(stored, StoredResponseJson.Default.StoredResponse) : null;
        var completedAt = state.Completed ? state.CompletedAt : (DateTimeOffset?)null;
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, completed, started_at, completed_at, response, etag) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT DO NOTHING",
                userId, idempotencyKey, state.Fingerprint ?? "", state.Completed, state.StartedAt, completedAt, response)
            : GuardedWrite.Command(
                $"UPDATE idempotency_keys SET fingerprint = $3, completed = $4, started_at = $5, completed_at = $6, response = $7, etag = etag + 1 WHERE {KeyCondition} AND etag = $8",
                userId, idempotencyKey, state.Fingerprint ?? "", state.Completed, state.StartedAt, completedAt, response, expectedEtag.Value);
        guarded.Parameters[5].NpgsqlDbType = NpgsqlDbType.TimestampTz;
        guarded.Parameters[6].NpgsqlDbType = NpgsqlDbType.Jsonb;
        return WriteGuardedAsync(grainKey, userId, idempotencyKey, expectedEtag, guarded, cancellationToken);
    }

    private async Task<long> WriteGuardedAsync(string grainKey, string userId, string idempotencyKey, long? expectedEtag, NpgsqlBatchCommand guarded, CancellationToken cancellationToken)
    {
        if (await writer.WriteAsync([guarded], guarded, cancellationToken).ConfigureAwait(false))
        {
            return (expectedEtag ?? 0) + 1;
        }

        throw await ConflictAsync(grainKey, userId, idempotencyKey, expectedEtag).ConfigureAwait(false);
    }

    public async Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
    {
        var (userId, idempotencyKey) = IdempotencyKeys.Split(grainKey);
        await using (var command = dataSource.CreateCommand($"DELETE FROM idempotency_keys WHERE {KeyCondition} AND etag = $3"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = userId });
            command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
            command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return;
            }
        }

        throw await ConflictAsync(grainKey, userId, idempotencyKey, expectedEtag).ConfigureAwait(false);
    }

    private Task<InconsistentStateException> ConflictAsync(string grainKey, string userId, string idempotencyKey, long? expectedEtag)
        => GuardedWrite.ConflictAsync(dataSource, "idempotency_keys", grainKey, expectedEtag, $"SELECT etag FROM idempotency_keys WHERE {KeyCondition}", [userId, idempotencyKey]);
}

[JsonSerializable(typeof(StoredResponse))]
internal sealed partial class StoredResponseJson : JsonSerializerContext;
