using Grains.Wallets;
using Grains.Persistence.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Grains.Persistence.Stores;

/// <summary>
/// A wallet in <c>wallets</c>, its movements in <c>wallet_entries</c>. A write updates the balance row and inserts
/// the movements made since the last write; the primary key on (user, reference) backs "once per reference". A read
/// loads the movements of the dedupe window only (<see cref="Grains.CommerceOptions.WalletDedupeWindow"/>), and
/// whether older ones exist, which the wallet then looks up one reference at a time.
/// </summary>
internal sealed class WalletStateStore(NpgsqlDataSource dataSource, SharedTransactionWriter writer, IOptions<CommerceOptions> options, TimeProvider time) : IGrainStateStore<WalletState>, IWalletReferences
{
    public Task<StoredState<WalletState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
    {
        var windowStart = time.GetUtcNow() - options.Value.WalletDedupeWindow;
        return GuardedRead.ReadAsync(
            dataSource,
            [grainKey, windowStart],
            """
            SELECT balance, currency, version,
                EXISTS (SELECT 1 FROM wallet_entries WHERE user_id = $1 AND created_at < $2),
                etag
            FROM wallets WHERE user_id = $1
            """,
            [grainKey, windowStart],
            "SELECT reference, amount, balance_after, created_at FROM wallet_entries WHERE user_id = $1 AND created_at >= $2",
            row => new WalletState { Exists = true, Balance = row.GetInt64(0), Currency = row.GetString(1), Version = row.GetInt64(2), HasOlderEntries = row.GetBoolean(3) },
            (row, state) => state.Entries[row.GetString(0)] = new WalletEntry
            {
                Amount = row.GetInt64(1),
                BalanceAfter = row.GetInt64(2),
                At = row.GetFieldValue<DateTimeOffset>(3),
            },
            cancellationToken);
    }

    public async Task<WalletEntry?> FindAsync(string userId, string reference, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT amount, balance_after, created_at FROM wallet_entries WHERE user_id = $1 AND reference = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = reference });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new WalletEntry { Amount = reader.GetInt64(0), BalanceAfter = reader.GetInt64(1), At = reader.GetFieldValue<DateTimeOffset>(2) }
            : null;
    }

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(string grainKey, WalletState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var userId = grainKey;
        var guarded = expectedEtag is null
            ? GuardedWrite.Command(
                "INSERT INTO wallets (user_id, balance, currency, version, etag) VALUES ($1, $2, $3, $4, 1) ON CONFLICT DO NOTHING",
                userId, state.Balance, state.Currency, state.Version)
            : GuardedWrite.Command(
                "UPDATE wallets SET balance = $2, version = $3, etag = etag + 1 WHERE user_id = $1 AND etag = $4",
                userId, state.Balance, state.Version, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.NewEntries.Count) { guarded };
        foreach (var reference in state.NewEntries)
        {
            var entry = state.Entries[reference];
            commands.Add(GuardedWrite.Command(
                "INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at) VALUES ($1, $2, $3, $4, $5)",
                userId, reference, entry.Amount, entry.BalanceAfter, entry.At));
        }

        return GuardedWrite.ExecuteAsync(writer, "wallets", userId, expectedEtag, guarded, commands, "SELECT etag FROM wallets WHERE user_id = $1", cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "wallets", "user_id", grainKey, expectedEtag, cancellationToken);
}
