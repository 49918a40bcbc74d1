using System.Globalization;
using Npgsql;

namespace Grains.Persistence.Storage;

/// <summary>
/// How every typed store writes: a batch whose first guarded statement is the grain's main row, conditional on its
/// ETag, followed by the child rows that changed, in one transaction (<see cref="SharedTransactionWriter"/>). If the
/// guarded row was not written, nothing is and the write fails as inconsistent.
/// </summary>
internal static class GuardedWrite
{
    /// <summary>
    /// Runs <paramref name="commands"/> in one transaction (perhaps shared with other grains' writes) and commits them
    /// only if <paramref name="guarded"/> (one of them) wrote its row; returns the new ETag. <paramref name="currentEtagSql"/>
    /// reads the stored ETag (key as $1) to report a conflict.
    /// </summary>
    public static async Task<long> ExecuteAsync(
        SharedTransactionWriter writer,
        string table,
        string grainKey,
        long? expectedEtag,
        NpgsqlBatchCommand guarded,
        IReadOnlyList<NpgsqlBatchCommand> commands,
        string currentEtagSql,
        CancellationToken cancellationToken)
    {
        if (await writer.WriteAsync(commands, guarded, cancellationToken).ConfigureAwait(false))
        {
            return (expectedEtag ?? 0) + 1;
        }

        throw await ConflictAsync(writer.DataSource, table, grainKey, expectedEtag, currentEtagSql, [grainKey]).ConfigureAwait(false);
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
