using System.ComponentModel;
using Grains.Orders;
using Grains.Payments;
using Grains.Persistence.Tests.Infrastructure;
using Grains.Products;
using Grains.Wallets;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// Orleans never calls AcceptChanges, so the typed provider clears a state's deltas itself, as soon as the store has
/// taken them and before the write completes: a change made while the write is in flight is the next write's.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class DeltaClearingTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Theory]
    [InlineData(nameof(ProductState))]
    [InlineData(nameof(OrderState))]
    [InlineData(nameof(PaymentState))]
    [InlineData(nameof(WalletState))]
    public Task Deltas_are_cleared_once_the_store_has_taken_them_and_a_change_made_meanwhile_goes_with_the_next_write(string state)
        => state switch
        {
            nameof(ProductState) => CheckAsync(StateSamples.Product),
            nameof(OrderState) => CheckAsync(StateSamples.Order),
            nameof(PaymentState) => CheckAsync(StateSamples.Payment),
            nameof(WalletState) => CheckAsync(StateSamples.Wallet),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };

    private async Task CheckAsync<TState>(StateSample<TState> sample) where TState : IChangeTracking, new()
    {
        var grain = await _storage.CreateAsync(sample);
        var rowsAtStart = (await sample.FootprintAsync(silo.Database, grain.Key)).Count;
        sample.Change(grain.Key, grain.State);
        Assert.True(grain.State.IsChanged);

        var write = grain.WriteAsync();
        Assert.False(grain.State.IsChanged);
        sample.Change(grain.Key, grain.State);
        await write;
        var rowsAfterFirstWrite = (await sample.FootprintAsync(silo.Database, grain.Key)).Count;
        Assert.True(grain.State.IsChanged);
        await grain.WriteAsync();
        var rowsAfterSecondWrite = (await sample.FootprintAsync(silo.Database, grain.Key)).Count;

        Assert.False(grain.State.IsChanged);
        Assert.Equal((rowsAtStart + 1, rowsAtStart + 2), (rowsAfterFirstWrite, rowsAfterSecondWrite));
        Assert.Equivalent(grain.State, (await _storage.ReadAsync<TState>(grain.Key)).State, strict: true);
    }
}
