using System.Globalization;
using Npgsql;

namespace Grains.Persistence.Storage;

/// <summary>
/// How every typed store writes: one transaction holding a batch whose first guarded statement is the grain's main row,
/// conditional on its ETag, followed by the child rows that changed. If the guarded row was not written, the
/// transaction rolls back and the write fails as inconsistent. Two round trips (Npgsql sends the BEGIN with the batch;
/// then the commit) whatever the number of rows.
/// </summary>
internal static class GuardedWrite
{
    /// <summary>
    /// Runs <paramref name="commands"/> in one transaction and commits only if <paramref name="guarded"/> (one of them)
    /// wrote its row; returns the new ETag. <paramref name="currentEtagSql"/> reads the stored ETag (key as $1) to
    /// report a conflict.
    /// </summary>
    public static async Task<long> ExecuteAsync(
        NpgsqlDataSource dataSource,
        string table,
        string grainKey,
        long? expectedEtag,
        NpgsqlBatchCommand guarded,
        IReadOnlyList<NpgsqlBatchCommand> commands,
        string currentEtagSql,
        CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var command in commands)
            {
                batch.BatchCommands.Add(command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException) when (guarded.RecordsAffected == 0)
            {
                // The guarded row was not written (another writer's ETag), so a later statement broke on the winner's
                // rows (a duplicate key, a deleted parent): a lost race like any other, not a fault.
            }

            if (guarded.RecordsAffected == 1)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (expectedEtag ?? 0) + 1;
            }

            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        throw await ConflictAsync(dataSource, table, grainKey, expectedEtag, currentEtagSql, [grainKey]).ConfigureAwait(false);
    }

    /// <summary>Deletes the grain's main row (child rows cascade) if its ETag still matches.</summary>
    public static async Task ClearAsync(NpgsqlDataSource dataSource, string table, string keyColumn, string grainKey, long expectedEtag, CancellationToken cancellationToken)
    {
        await using (var command = dataSource.CreateCommand($"DELETE FROM {table} WHERE {keyColumn} = $1 AND etag = $2"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = grainKey });
            command.Parameters.Add(new NpgsqlParameter { Value = expectedEtag });
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return;
            }
        }

        throw await ConflictAsync(dataSource, table, grainKey, expectedEtag, $"SELECT etag FROM {table} WHERE {keyColumn} = $1", [grainKey]).ConfigureAwait(false);
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

    /// <summary>The stored row changed since it was read (or exists though none was expected): another writer got there first.</summary>
    public static async Task<InconsistentStateException> ConflictAsync(
        NpgsqlDataSource dataSource, string table, string grainKey, long? expectedEtag, string currentEtagSql, object[] keyParameters)
    {
        await using var command = dataSource.CreateCommand(currentEtagSql);
        foreach (var parameter in keyParameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var stored = await command.ExecuteScalarAsync().ConfigureAwait(false) as long?;
        var storedText = stored?.ToString(CultureInfo.InvariantCulture) ?? "none";
        var expectedText = expectedEtag?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return new InconsistentStateException($"The {table} row of '{grainKey}' is at ETag {storedText}, not {expectedText}: another activation wrote it.", storedText, expectedText);
    }
}
