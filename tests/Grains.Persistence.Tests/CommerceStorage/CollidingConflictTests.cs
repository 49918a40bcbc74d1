using IntegrationEvents;
using Grains.Orders;
using Grains.Outbox;
using Grains.Payments;
using Grains.Persistence.Tests.Infrastructure;
using Grains.Products;
using Grains.Wallets;
using Orleans.Storage;
using static Grains.Persistence.Tests.Infrastructure.GrainChanges;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// The losing activation's child rows often collide with the winner's (the same next report number, the same
/// once-only outbox event, the same order lines) or point at a row the winner deleted. That is still a lost ETag
/// race, so it must still be InconsistentStateException (which makes Orleans deactivate the loser), not a
/// PostgresException from the child statement that broke.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class CollidingConflictTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    [Theory]
    [InlineData("an order placed by two activations (its lines collide)")]
    [InlineData("a wallet created by two activations (its first movement collides)")]
    [InlineData("a payment report recorded by two activations (the same report number)")]
    [InlineData("an order paid in two activations (the same once-only outbox event)")]
    [InlineData("a hold taken after another activation cleared the product (no product row to reference)")]
    public async Task A_lost_etag_race_whose_child_rows_collide_still_throws_InconsistentStateException_and_writes_nothing(string race)
    {
        switch (race)
        {
            case "an order placed by two activations (its lines collide)":
                await FirstWritesCollideAsync(StateSamples.Order);
                break;
            case "a wallet created by two activations (its first movement collides)":
                await FirstWritesCollideAsync(StateSamples.Wallet);
                break;
            case "a payment report recorded by two activations (the same report number)":
                await BothChangeAsync(StateSamples.Payment, (_, payment, transactionNo) =>
                    Report(payment, PaymentReportSource.Notification, transactionNo, "00", "00", 740_000, applied: true));
                break;
            case "an order paid in two activations (the same once-only outbox event)":
                await BothChangeAsync(StateSamples.Order, (key, order, transactionNo) =>
                    Raise(order, OutboxEvents.Paid(key, new OrderPaidPayload(key, order.CustomerId, order.Total, "VND", order.PaymentId!, transactionNo, order.UpdatedAt), order.UpdatedAt)));
                break;
            case "a hold taken after another activation cleared the product (no product row to reference)":
                await HoldAfterClearAsync();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(race), race, null);
        }
    }

    private async Task FirstWritesCollideAsync<TState>(StateSample<TState> sample)
    {
        var winner = await _storage.CreateAsync(sample);
        var stored = await sample.FootprintAsync(silo.Database, winner.Key);
        var loser = winner.Twin(sample.Create(winner.Key), etag: null);

        await Assert.ThrowsAsync<InconsistentStateException>(loser.WriteAsync);

        Assert.Equal(stored, await sample.FootprintAsync(silo.Database, winner.Key));
    }

    private async Task BothChangeAsync<TState>(StateSample<TState> sample, Action<string, TState, string> change) where TState : new()
    {
        var winner = await _storage.CreateAsync(sample);
        var loser = winner.Twin((await _storage.ReadAsync<TState>(winner.Key)).State, winner.ETag);
        change(winner.Key, winner.State, "14000001");
        await winner.WriteAsync();
        var stored = await sample.FootprintAsync(silo.Database, winner.Key);
        change(loser.Key, loser.State, "14000002");

        await Assert.ThrowsAsync<InconsistentStateException>(loser.WriteAsync);

        Assert.Equal(stored, await sample.FootprintAsync(silo.Database, winner.Key));
    }

    private async Task HoldAfterClearAsync()
    {
        var winner = await _storage.CreateAsync(StateSamples.Product);
        var loser = winner.Twin((await _storage.ReadAsync<ProductState>(winner.Key)).State, winner.ETag);
        await winner.ClearAsync();
        Hold(loser.State, "order-late", 1);

        await Assert.ThrowsAsync<InconsistentStateException>(loser.WriteAsync);

        Assert.Empty(await StateSamples.Product.FootprintAsync(silo.Database, winner.Key));
    }
}
