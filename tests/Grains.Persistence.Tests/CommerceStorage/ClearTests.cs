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
/// Clearing a commerce state deletes its row and, by cascade, its child rows, if the ETag still matches; the grain
/// can then create it afresh. Rows that are not the grain's (the customer, outbox events) stay.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class ClearTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    private NpgsqlDataSource Database => silo.Database;

    [Theory]
    [InlineData(nameof(ProductState))]
    [InlineData(nameof(OrderState))]
    [InlineData(nameof(PaymentState))]
    [InlineData(nameof(WalletState))]
    [InlineData(nameof(IdempotencyState))]
    public Task Clear_deletes_the_state_with_its_child_rows_and_a_stale_clear_throws_and_deletes_nothing(string state)
        => state switch
        {
            nameof(ProductState) => new ClearCheck(this).RunAsync(StateSamples.Product),
            nameof(OrderState) => new ClearCheck(this).RunAsync(StateSamples.Order),
            nameof(PaymentState) => new ClearCheck(this).RunAsync(StateSamples.Payment),
            nameof(WalletState) => new ClearCheck(this).RunAsync(StateSamples.Wallet),
            nameof(IdempotencyState) => new ClearCheck(this).RunAsync(StateSamples.Idempotency),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };

    private sealed class ClearCheck(ClearTests tests) : ISampleCheck
    {
        public async Task RunAsync<TState>(StateSample<TState> sample) where TState : new()
        {
            var grain = await tests._storage.CreateAsync(sample);
            var stale = grain.Twin(sample.Create(grain.Key), grain.ETag);
            sample.Change(grain.Key, grain.State);
            await grain.WriteAsync();
            var stored = await sample.FootprintAsync(tests.Database, grain.Key);

            var conflict = await Assert.ThrowsAsync<InconsistentStateException>(stale.ClearAsync);
            var afterStaleClear = await sample.FootprintAsync(tests.Database, grain.Key);
            await grain.ClearAsync();
            var afterClear = await sample.FootprintAsync(tests.Database, grain.Key);
            var read = await tests._storage.ReadAsync<TState>(grain.Key);

            Assert.Equal(("2", "1"), (conflict.StoredEtag, conflict.CurrentEtag));
            Assert.Equal(stored, afterStaleClear);
            Assert.Equal(stored.Where(row => sample.KeptOnClear.Contains(row[..row.IndexOf(':')])), afterClear);
            Assert.Equal((null, false), (grain.ETag, grain.RecordExists));
            Assert.Equivalent(new TState(), grain.State, strict: true);
            Assert.Equal((null, false), (read.ETag, read.RecordExists));

            var again = grain.Twin(sample.Create(grain.Key), etag: null);
            await again.WriteAsync();
            Assert.Equal("1", again.ETag);
        }
    }
}
