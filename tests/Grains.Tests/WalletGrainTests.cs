using Grains.Wallets;

namespace Grains.Tests;

public sealed class WalletGrainTests : IAsyncLifetime
{
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync();

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IWalletGrain Wallet(string user) => _commerce.Grains.GetGrain<IWalletGrain>(user);

    [Fact]
    public async Task A_thousand_concurrent_debits_of_100_on_50000_leave_exactly_500_applied_and_a_zero_balance()
    {
        await Wallet("alice").Credit(50_000, "top-up");

        var debits = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(() => Wallet("alice").Debit(100, $"purchase-{i}"))));

        Assert.Equal(500, debits.Count(d => d.Status == WalletMovementStatus.Applied));
        Assert.Equal(500, debits.Count(d => d.Status == WalletMovementStatus.InsufficientFunds));
        Assert.Equal(0, (await Wallet("alice").Get())!.Balance);
    }

    [Fact]
    public async Task A_reference_applies_once_and_reusing_it_for_another_movement_is_a_conflict()
    {
        await Wallet("bob").Credit(1_000, "top-up");

        var first = await Wallet("bob").Debit(300, "order-1");
        var retried = await Wallet("bob").Debit(300, "order-1");
        var other = await Wallet("bob").Debit(200, "order-1");

        Assert.Equal((WalletMovementStatus.Applied, 700L), (first.Status, first.Wallet!.Balance));
        Assert.Equal((WalletMovementStatus.AlreadyApplied, 700L), (retried.Status, retried.Wallet!.Balance));
        Assert.Equal(WalletMovementStatus.ReferenceConflict, other.Status);
        Assert.Equal(700, (await Wallet("bob").Get())!.Balance);
    }

    [Fact]
    public async Task There_is_no_wallet_to_debit_until_it_is_first_credited()
    {
        Assert.Null(await Wallet("carol").Get());
        Assert.Equal(WalletMovementStatus.WalletNotFound, (await Wallet("carol").Debit(1, "x")).Status);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Wallet("carol").Credit(0, "zero"));
        Assert.Null(await Wallet("carol").Get());
    }
}
