using Grains.Persistence.Storage;
using Grains.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Tests.Bounds;

/// <summary>A wallet's activation holds the references of its dedupe window only, yet every reference applies once.</summary>
public sealed class WalletWindowTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync(options => options.WalletDedupeWindow = Window);

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IWalletGrain Wallet(string user) => _commerce.Grains.GetGrain<IWalletGrain>(user);

    private IGrainStateStore<WalletState> Store => _commerce.Services.GetRequiredService<IGrainStateStore<WalletState>>();

    [Fact]
    public async Task An_activation_loads_only_the_movements_of_the_window()
    {
        await Wallet("dora").Credit(10_000, "top-up");
        for (var i = 0; i < 20; i++)
        {
            await Wallet("dora").Debit(10, $"old-{i}");
        }

        _commerce.Time.Advance(Window + TimeSpan.FromSeconds(1));
        await Wallet("dora").Debit(100, "recent");

        var loaded = (await Store.ReadAsync("dora", CancellationToken.None))!.State;

        Assert.Equal(["recent"], loaded.Entries.Keys);
        Assert.True(loaded.HasOlderEntries);
        Assert.Equal(9_700, loaded.Balance);
        Assert.Equal(22, _commerce.Services.GetRequiredService<InMemoryWalletStore>().Entries("dora").Count);
    }

    [Fact]
    public async Task A_reference_older_than_the_window_still_applies_once_and_conflicts_with_another_movement()
    {
        await Wallet("emil").Credit(1_000, "top-up");
        await Wallet("emil").Debit(300, "invoice-1");
        _commerce.Time.Advance(Window + TimeSpan.FromDays(1));

        // The same activation, whose window has moved past both references.
        await Wallet("emil").Credit(50, "refund-1");
        var retried = await Wallet("emil").Debit(300, "invoice-1");
        var other = await Wallet("emil").Debit(200, "invoice-1");
        var topUpAgain = await Wallet("emil").Credit(1_000, "top-up");

        Assert.Equal((WalletMovementStatus.AlreadyApplied, 750L), (retried.Status, retried.Wallet!.Balance));
        Assert.Equal(WalletMovementStatus.ReferenceConflict, other.Status);
        Assert.Equal((WalletMovementStatus.AlreadyApplied, 750L), (topUpAgain.Status, topUpAgain.Wallet!.Balance));
        Assert.Equal(["refund-1"], (await Store.ReadAsync("emil", CancellationToken.None))!.State.Entries.Keys);
    }
}
