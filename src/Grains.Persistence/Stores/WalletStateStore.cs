using Grains.Wallets;
using Npgsql;
using Runtime.Storage;

namespace Grains.Persistence.Stores;

/// <summary>
/// A wallet in <c>wallets</c>, its movements in <c>wallet_entries</c>. A write updates the balance row and inserts
/// the movements made since the last write; the primary key on (user, reference) backs "once per reference".
/// </summary>
internal sealed class WalletStateStore(NpgsqlDataSource dataSource) : IGrainStateStore<WalletState>
{
    public Task<StoredState<WalletState>?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
        => GuardedRead.ReadAsync(
            dataSource,
            key.GrainKey,
            "SELECT balance, currency, version, etag FROM wallets WHERE user_id = $1",
            "SELECT reference, amount, balance_after, created_at FROM wallet_entries WHERE user_id = $1",
            row => new WalletState { Exists = true, Balance = row.GetInt64(0), Currency = row.GetString(1), Version = row.GetInt64(2) },
            (row, state) => state.Entries[row.GetString(0)] = new WalletEntry
            {
                Amount = row.GetInt64(1),
                BalanceAfter = row.GetInt64(2),
                At = row.GetFieldValue<DateTimeOffset>(3),
            },
            cancellationToken);

    // Not async: every command is built from the state before anything is awaited.
    public Task<long> WriteAsync(GrainStateKey key, int partition, WalletState state, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        var userId = key.GrainKey;
        var guarded = expectedEtag is null
            ? GuardedWrite.Guarded(
                "INSERT INTO wallets (user_id, balance, currency, version, partition, etag) SELECT $1, $2, $3, $4, $5, 1 {fence} ON CONFLICT DO NOTHING",
                fence, partition, "WHERE", userId, state.Balance, state.Currency, state.Version, partition)
            : GuardedWrite.Guarded(
                "UPDATE wallets SET balance = $2, version = $3, etag = etag + 1 WHERE user_id = $1 AND etag = $4 {fence}",
                fence, partition, "AND", userId, state.Balance, state.Version, expectedEtag.Value);
        var commands = new List<NpgsqlBatchCommand>(1 + state.NewEntries.Count) { guarded };
        foreach (var reference in state.NewEntries)
        {
            var entry = state.Entries[reference];
            commands.Add(GuardedWrite.Command(
                "INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at) VALUES ($1, $2, $3, $4, $5)",
                userId, reference, entry.Amount, entry.BalanceAfter, entry.At));
        }

        return GuardedWrite.ExecuteAsync(
            dataSource, key, partition, expectedEtag, fence, guarded, commands,
            () => GuardedWrite.ScalarEtagAsync(dataSource, "SELECT etag FROM wallets WHERE user_id = $1", userId),
            cancellationToken);
    }

    public Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => GuardedWrite.ClearAsync(dataSource, "wallets", "user_id", key.GrainKey, key, partition, expectedEtag, fence, cancellationToken);
}
