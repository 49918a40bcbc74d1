using Npgsql;

namespace Grains.Persistence.Storage;

/// <summary>How typed stores read: the grain's main row and its child rows in one round trip (one batch).</summary>
internal static class GuardedRead
{
    /// <summary>
    /// Runs <paramref name="mainSql"/> (the main row, its last column the ETag) and <paramref name="childSql"/> (the
    /// child rows), both taking the grain key as $1 (the child rows' query then <paramref name="childParameters"/> as $2…);
    /// null when there is no main row.
    /// </summary>
    public static Task<StoredState<TState>?> ReadAsync<TState>(
        NpgsqlDataSource dataSource,
        string grainKey,
        string mainSql,
        string childSql,
        Func<NpgsqlDataReader, TState> readMain,
        Action<NpgsqlDataReader, TState> readChild,
        CancellationToken cancellationToken,
        params object[] childParameters)
        => ReadAsync(dataSource, [grainKey], mainSql, [grainKey, .. childParameters], childSql, readMain, readChild, cancellationToken);

    /// <summary>As above, for a main row's query that takes more than the grain key too (a time window): each its own parameters.</summary>
    public static Task<StoredState<TState>?> ReadAsync<TState>(
        NpgsqlDataSource dataSource,
        object[] mainParameters,
        string mainSql,
        object[] childParameters,
        string childSql,
        Func<NpgsqlDataReader, TState> readMain,
        Action<NpgsqlDataReader, TState> readChild,
        CancellationToken cancellationToken)
        => ReadAsync(dataSource, mainParameters, mainSql, readMain, cancellationToken, new ChildRows<TState>(childSql, childParameters, readChild));

    /// <summary>As above, for a grain with more than one kind of child rows: each query read in turn, in the same round trip.</summary>
    public static async Task<StoredState<TState>?> ReadAsync<TState>(
        NpgsqlDataSource dataSource,
        object[] mainParameters,
        string mainSql,
        Func<NpgsqlDataReader, TState> readMain,
        CancellationToken cancellationToken,
        params ChildRows<TState>[] children)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(GuardedWrite.Command(mainSql, mainParameters));
        foreach (var child in children)
        {
            batch.BatchCommands.Add(GuardedWrite.Command(child.Sql, child.Parameters));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var state = readMain(reader);
        var etag = reader.GetInt64(reader.FieldCount - 1);
        foreach (var child in children)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                child.Read(reader, state);
            }
        }

        return new StoredState<TState>(state, etag);
    }
}

/// <summary>One kind of a grain's child rows: the query, its parameters, and how a row goes into the state.</summary>
internal sealed record ChildRows<TState>(string Sql, object[] Parameters, Action<NpgsqlDataReader, TState> Read);
