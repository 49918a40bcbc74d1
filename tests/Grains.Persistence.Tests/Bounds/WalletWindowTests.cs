using Grains.Persistence.Queries;
using Grains.Persistence.Tests.Infrastructure;
using Grains.Wallets;

namespace Grains.Persistence.Tests.Bounds;

/// <summary>
/// A wallet's activation loads its balance and the movements of its dedupe window (30 days by default), however long
/// its history; older references are looked up one at a time, and the history is read in keyset pages.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class WalletWindowTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Fact]
    public async Task An_activation_loads_only_the_movements_of_the_window_however_long_the_history()
    {
        var wallet = await _storage.CreateAsync(StateSamples.Wallet);
        await AddOldMovementsAsync(wallet.Key, count: 500, daysAgo: 40);

        var read = await _storage.ReadAsync<WalletState>(wallet.Key);

        Assert.Equal(["top-up"], read.State.Entries.Keys);
        Assert.True(read.State.HasOlderEntries);
        Assert.Equal(501, await silo.Database.ScalarAsync<long>("SELECT count(*) FROM wallet_entries WHERE user_id = $1", wallet.Key));
    }

    [Fact]
    public async Task A_wallet_without_movements_before_its_window_knows_it_needs_no_lookups()
    {
        var wallet = await _storage.CreateAsync(StateSamples.Wallet);

        var read = await _storage.ReadAsync<WalletState>(wallet.Key);

        Assert.Equal(["top-up"], read.State.Entries.Keys);
        Assert.False(read.State.HasOlderEntries);
    }

    [Fact]
    public async Task A_reference_from_before_the_window_applies_once_through_the_grain()
    {
        var user = $"w-{Guid.NewGuid():N}";
        await silo.Database.ExecuteAsync("INSERT INTO wallets (user_id, balance, currency, version, etag) VALUES ($1, 700, 'VND', 2, 1)", user);
        await silo.Database.ExecuteAsync("""
            INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at) VALUES
                ($1, 'top-up', 1000, 1000, now() - interval '41 days'),
                ($1, 'invoice-1', -300, 700, now() - interval '40 days')
            """, user);
        var grain = silo.Silo.Grains.GetGrain<IWalletGrain>(user);

        var retried = await grain.Debit(300, "invoice-1");
        var other = await grain.Debit(200, "invoice-1");
        var fresh = await grain.Debit(100, "invoice-2");

        Assert.Equal((WalletMovementStatus.AlreadyApplied, 700L), (retried.Status, retried.Wallet!.Balance));
        Assert.Equal(WalletMovementStatus.ReferenceConflict, other.Status);
        Assert.Equal((WalletMovementStatus.Applied, 600L), (fresh.Status, fresh.Wallet!.Balance));
        Assert.Equal(600, await silo.Database.ScalarAsync<long>("SELECT balance FROM wallets WHERE user_id = $1", user));
        Assert.Equal(3, await silo.Database.ScalarAsync<long>("SELECT count(*) FROM wallet_entries WHERE user_id = $1", user));
    }

    [Fact]
    public async Task The_history_in_keyset_pages_gives_every_movement_once_newest_first_across_equal_times()
    {
        var wallet = await _storage.CreateAsync(StateSamples.Wallet);
        // Five movements at each of five instants: pages must break ties by reference.
        await silo.Database.ExecuteAsync("""
            INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at)
            SELECT $1, 'm-' || i, -1, 0, now() - (i / 5) * interval '1 day' FROM generate_series(0, 24) AS i
            """, wallet.Key);
        var expected = await silo.Database.ColumnAsync<string>("SELECT reference FROM wallet_entries WHERE user_id = $1 ORDER BY created_at DESC, reference DESC", wallet.Key);
        var queries = new PostgresWalletEntryQueries(silo.Database);

        var seen = new List<string>();
        var pages = 0;
        WalletEntryPosition? after = null;
        do
        {
            var page = await queries.ListAsync(new WalletEntryListRequest(wallet.Key, 4, after), CancellationToken.None);
            seen.AddRange(page.Items.Select(e => e.Reference));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(26, expected.Count);
        Assert.Equal(expected, seen);
        Assert.Equal(7, pages);
    }

    private Task AddOldMovementsAsync(string userId, int count, int daysAgo)
        => silo.Database.ExecuteAsync("""
            INSERT INTO wallet_entries (user_id, reference, amount, balance_after, created_at)
            SELECT $1, 'old-' || i, 1, 0, now() - $2 * interval '1 day' - i * interval '1 second' FROM generate_series(1, $3) AS i
            """, userId, daysAgo, count);
}
