using Grains.Payments;
using Grains.Persistence.Tests.Infrastructure;
using Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Grains.Persistence.Tests.CommerceStorage;

/// <summary>
/// A grain the silo has just created under a new id (an order's payment) is activated without a read: the typed
/// provider answers "no record" once, and only for it. Shown here on a row that does exist, which a read would find.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class NewGrainTests(SiloOnFreshDatabase silo)
{
    private readonly TypedProvider _storage = new(silo.Services);

    private NewGrainKeys NewGrains => silo.Services.GetRequiredService<NewGrainKeys>();

    [Fact]
    public async Task A_grain_created_here_is_not_read_on_its_first_activation_and_is_read_on_the_next()
    {
        var payment = await _storage.CreateAsync(StateSamples.Payment);
        NewGrains.Add(StoredGrain<PaymentState>.Id(payment.Key));

        var first = await _storage.ReadAsync<PaymentState>(payment.Key);
        var next = await _storage.ReadAsync<PaymentState>(payment.Key);

        Assert.Equal((false, null), (first.RecordExists, first.ETag));
        Assert.Equal((true, payment.ETag), (next.RecordExists, next.ETag));
    }

    [Fact]
    public async Task Should_a_new_grain_have_a_row_after_all_its_first_write_is_a_conflict_and_the_row_stays()
    {
        var payment = await _storage.CreateAsync(StateSamples.Payment);
        NewGrains.Add(StoredGrain<PaymentState>.Id(payment.Key));
        var activation = await _storage.ReadAsync<PaymentState>(payment.Key);
        activation.State.Exists = true;
        activation.State.OrderId = "another-order";

        await Assert.ThrowsAsync<InconsistentStateException>(activation.WriteAsync);

        var stored = await _storage.ReadAsync<PaymentState>(payment.Key);
        Assert.Equal((payment.ETag, payment.State.OrderId), (stored.ETag, stored.State.OrderId));
    }
}
