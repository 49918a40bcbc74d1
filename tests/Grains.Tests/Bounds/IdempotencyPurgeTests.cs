using Grains.Idempotency;
using Grains.Persistence.Purge;
using Grains.Persistence.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Grains.Tests.Bounds;

/// <summary>Each silo deletes the idempotency keys past their retention every purge period, on the grains' clock.</summary>
public sealed class IdempotencyPurgeTests : IAsyncLifetime
{
    private static readonly StoredResponse Created = new(201, "application/json", """{"id":"o-1"}""", []);

    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync() => _commerce = await CommerceCluster.StartAsync(options => options.IdempotencyPurgePeriod = TimeSpan.FromHours(6));

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private IIdempotencyGrain Key(string user, string key) => _commerce.Grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(user, key));

    private async Task CompleteAsync(string user, string key)
    {
        await Key(user, key).Begin("fp", TimeSpan.Zero);
        await Key(user, key).Complete("fp", Created);
    }

    [Fact]
    public async Task The_purge_deletes_exactly_the_keys_past_their_retention_and_a_reused_key_runs_again()
    {
        using var purged = new MetricCollector<long>(_commerce.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            IdempotencyKeyPurgeService.MeterName, IdempotencyKeyPurgeService.PurgedName);
        await CompleteAsync("alice", "old-1");
        await CompleteAsync("bob", "old-2");
        await Key("alice", "stuck").Begin("fp", TimeSpan.Zero); // its front end died: never completed
        _commerce.Time.Advance(TimeSpan.FromHours(20));
        await CompleteAsync("alice", "fresh");

        // To 24 h and a second after the first keys: the tick at 24 h runs the purge.
        _commerce.Time.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        await purged.WaitForMeasurementsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, purged.GetMeasurementSnapshot().EvaluateAsCounter());
        var kept = _commerce.Services.GetRequiredService<InMemoryStateStore<IdempotencyState>>().All().Select(k => k.Key);
        Assert.Equal([IdempotencyKeys.GrainKey("alice", "fresh")], kept);

        // Its activation still remembers the purged key: reusing it after the retention runs the new request.
        Assert.Equal(IdempotencyDecisionKind.Proceed, (await Key("alice", "old-1").Begin("another", TimeSpan.Zero)).Kind);
        Assert.Equal(IdempotencyDecisionKind.Replay, (await Key("alice", "fresh").Begin("fp", TimeSpan.Zero)).Kind);
    }
}
