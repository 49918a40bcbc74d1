using Npgsql;

namespace Grains.Persistence.Queries;

/// <summary>A wallet's history in keyset pages on (created_at, reference), newest first, from the index that serves its window.</summary>
public sealed class PostgresWalletEntryQueries(NpgsqlDataSource dataSource) : IWalletEntryQueries
{
    public async Task<ListPage<WalletEntrySummary, WalletEntryPosition>> ListAsync(WalletEntryListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var statement = new ListStatement(dataSource, "SELECT reference, amount, balance_after, created_at FROM wallet_entries");
        statement.Where("user_id = {0}", request.UserId);
        if (request.After is { } after)
        {
            statement.Where("(created_at, reference) < ({0}, {1})", after.At.ToUniversalTime(), after.Reference);
        }

        return await statement.ReadPageAsync(
            "created_at DESC, reference DESC",
            request.Limit,
            row => new WalletEntrySummary(row.GetString(0), row.GetInt64(1), row.GetInt64(2), row.GetFieldValue<DateTimeOffset>(3)),
            last => new WalletEntryPosition(last.At, last.Reference),
            cancellationToken).ConfigureAwait(false);
    }
}
