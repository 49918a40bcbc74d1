using Npgsql;
using Runtime.Storage;

namespace Grains.Persistence.Stores;

/// <summary>
/// How every typed store writes: one transaction holding a batch whose first statement is the grain's main row,
/// guarded by its ETag and the writer's lease (<see cref="PostgresFence"/>), followed by the child rows that changed.
/// If the guarded row was not written, the transaction rolls back and the write fails as inconsistent. Two round
/// trips (Npgsql sends the BEGIN with the batch; then the commit) whatever the number of rows.
/// </summary>
internal static class GuardedWrite
{
    /// <summary>
    /// Runs <paramref name="commands"/> in one transaction and commits only if <paramref name="guarded"/> (one of
    /// them) wrote its row; returns the new ETag.
    /// </summary>
    public static async Task<long> ExecuteAsync(
        NpgsqlDataSource dataSource,
        GrainStateKey key,
        int partition,
        long? expectedEtag,
        StorageFence? fence,
        NpgsqlBatchCommand guarded,
        IReadOnlyList<NpgsqlBatchCommand> commands,
        Func<Task<long?>> readCurrentEtag,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (guarded.RecordsAffected != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw PostgresFence.Conflict(key, partition, expectedEtag, await readCurrentEtag().ConfigureAwait(false), fence);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (expectedEtag ?? 0) + 1;
    }

    /// <summary>Deletes the grain's main row (child rows cascade) if the ETag and fence still match.</summary>
    public static async Task ClearAsync(
        NpgsqlDataSource dataSource, string table, string keyColumn, string id, GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {table} WHERE {keyColumn} = $1 AND etag = $2 {PostgresFence.Condition(fence, 3)}");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
        PostgresFence.AddParameters(command.Parameters, fence, partition);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            var current = await ScalarEtagAsync(dataSource, $"SELECT etag FROM {table} WHERE {keyColumn} = $1", id).ConfigureAwait(false);
            throw PostgresFence.Conflict(key, partition, expectedEtag, current, fence);
        }
    }

    /// <summary>A batch command with positional parameters, in order.</summary>
    public static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>
    /// The guarded main row: <paramref name="sql"/> with the fence's condition in place of <c>{fence}</c> (preceded by
    /// <paramref name="fenceKeyword"/>), its parameters followed by the fence's.
    /// </summary>
    public static NpgsqlBatchCommand Guarded(string sql, StorageFence? fence, int partition, string fenceKeyword, params object?[] parameters)
    {
        var command = Command(sql.Replace("{fence}", PostgresFence.Condition(fence, parameters.Length + 1, fenceKeyword), StringComparison.Ordinal), parameters);
        PostgresFence.AddParameters(command.Parameters, fence, partition);
        return command;
    }

    public static async Task<long?> ScalarEtagAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync().ConfigureAwait(false) as long?;
    }
}
