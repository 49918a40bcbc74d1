using Grains.Coupons;
using Grains.Idempotency;
using Grains.Orders;
using Grains.Payments;
using Grains.Persistence.Tests.Infrastructure;
using Grains.Products;
using Grains.Wallets;
using Npgsql;
using Orleans.Storage;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// Every typed write is conditional on the ETag the activation holds: when another activation wrote first, the write
/// fails with InconsistentStateException (Orleans then deactivates the loser) and leaves every row as it was.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class ConflictTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    private NpgsqlDataSource Database => silo.Database;

    [Theory]
    [InlineData(nameof(ProductState))]
    [InlineData(nameof(OrderState))]
    [InlineData(nameof(PaymentState))]
    [InlineData(nameof(WalletState))]
    [InlineData(nameof(CouponState))]
    [InlineData(nameof(IdempotencyState))]
    public Task A_write_with_a_stale_etag_throws_InconsistentStateException_and_writes_nothing(string state)
        => ForEach(state, new StaleWrite(this));

    [Theory]
    [InlineData(nameof(ProductState))]
    [InlineData(nameof(PaymentState))]
    [InlineData(nameof(CouponState))]
    [InlineData(nameof(IdempotencyState))]
    public Task A_first_write_when_the_row_exists_throws_InconsistentStateException_and_writes_nothing(string state)
        => ForEach(state, new FirstWriteOverExisting(this));

    private static Task ForEach(string state, ISampleCheck check) => state switch
    {
        nameof(ProductState) => check.RunAsync(StateSamples.Product),
        nameof(OrderState) => check.RunAsync(StateSamples.Order),
        nameof(PaymentState) => check.RunAsync(StateSamples.Payment),
        nameof(WalletState) => check.RunAsync(StateSamples.Wallet),
        nameof(CouponState) => check.RunAsync(StateSamples.Coupon),
        nameof(IdempotencyState) => check.RunAsync(StateSamples.Idempotency),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>
    /// Two activations read the state at ETag 1; one rewrites it (ETag 2); the other then writes its own change, whose
    /// new child row does not collide with anything stored.
    /// </summary>
    private sealed class StaleWrite(ConflictTests tests) : ISampleCheck
    {
        public async Task RunAsync<TState>(StateSample<TState> sample) where TState : new()
        {
            var winner = await tests._storage.CreateAsync(sample);
            var loser = winner.Twin((await tests._storage.ReadAsync<TState>(winner.Key)).State, winner.ETag);
            await winner.WriteAsync();
            var stored = await sample.FootprintAsync(tests.Database, winner.Key);
            sample.Change(loser.Key, loser.State);

            var conflict = await Assert.ThrowsAsync<InconsistentStateException>(loser.WriteAsync);

            Assert.Equal(("2", "1"), (conflict.StoredEtag, conflict.CurrentEtag));
            Assert.Equal(stored, await sample.FootprintAsync(tests.Database, winner.Key));
        }
    }

    /// <summary>An activation that read nothing writes its first state after another activation created the row.</summary>
    private sealed class FirstWriteOverExisting(ConflictTests tests) : ISampleCheck
    {
        public async Task RunAsync<TState>(StateSample<TState> sample) where TState : new()
        {
            var winner = await tests._storage.CreateAsync(sample);
            var stored = await sample.FootprintAsync(tests.Database, winner.Key);
            var loser = winner.Twin(sample.Create(winner.Key), etag: null);

            var conflict = await Assert.ThrowsAsync<InconsistentStateException>(loser.WriteAsync);

            Assert.Equal(("1", "none"), (conflict.StoredEtag, conflict.CurrentEtag));
            Assert.Equal(stored, await sample.FootprintAsync(tests.Database, winner.Key));
        }
    }
}
