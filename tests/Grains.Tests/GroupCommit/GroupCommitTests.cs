using System.Diagnostics.Metrics;
using Grains.Persistence.Storage;
using Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Storage;

namespace Grains.Tests.GroupCommit;

/// <summary>
/// <see cref="GroupCommit{TState}"/> on a reentrant grain over the commerce storage provider: batches form while a write
/// is in flight, callers hear only about durable changes, and a failed write poisons neither the store nor later callers.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly ControlledStore _store = new();
    private readonly CounterCalls _calls = new();
    private CommerceCluster _commerce = null!;

    public async Task InitializeAsync()
        => _commerce = await CommerceCluster.StartAsync(services: services =>
        {
            services.AddSingleton<IGrainStateStore<CounterState>>(_store);
            services.AddSingleton(_calls);
        });

    public async Task DisposeAsync() => await _commerce.DisposeAsync();

    private ICounterGrain Counter(string key) => _commerce.Grains.GetGrain<ICounterGrain>(key);

    private MetricCollector<int> BatchSizes()
        => new(_commerce.Services.GetRequiredService<IMeterFactory>(), GroupCommitMetrics.MeterName, GroupCommitMetrics.BatchSizeName);

    [Fact]
    public async Task A_thousand_concurrent_increments_are_all_confirmed_in_two_writes_while_the_first_is_in_flight()
    {
        using var batches = BatchSizes();
        _store.HoldNextWrite();
        var first = Counter("c1").Increment();
        await _calls.WhenArrived(1);
        var others = Enumerable.Range(0, 999).Select(_ => Counter("c1").Increment()).ToList();
        await _calls.WhenArrived(1_000);

        Assert.False(first.IsCompleted);
        Assert.DoesNotContain(others, call => call.IsCompleted);
        _store.Release();
        var confirmed = await Task.WhenAll([first, .. others]);

        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), confirmed.Order());
        // The first write took what had arrived by the time it reached the store; the second, everything else.
        Assert.Equal(2, _store.Writes);
        Assert.Equal(1_000, _store.WrittenValues[^1]);
        Assert.Equal(1_000, await _store.StoredValueAsync("c1"));

        // As measured: the first write answered its one caller, the second the 999 that came while it was in flight.
        Assert.Equal([1, 999], batches.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.All(batches.GetMeasurementSnapshot(), m => Assert.Equal("CounterState", m.Tags["state"]));
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_and_the_waiting_one_and_nothing_they_did_survives()
    {
        using var batches = BatchSizes();
        await Counter("c3").Increment();
        _store.HoldNextWrite();
        var failing = Counter("c3").Increment();
        await _calls.WhenArrived(2);
        var waiting = Enumerable.Range(0, 10).Select(_ => Counter("c3").Increment()).ToList();
        await _calls.WhenArrived(12);

        _store.Release(new IOException("Injected storage failure."));

        var failure = await Assert.ThrowsAsync<OrleansException>(() => failing);
        Assert.IsType<IOException>(failure.InnerException);
        foreach (var call in waiting)
        {
            await Assert.ThrowsAsync<GroupCommitFailedException>(() => call);
        }

        Assert.Equal(1, await _store.StoredValueAsync("c3"));
        Assert.Equal(1, await Counter("c3").Get());
        Assert.Equal(2, await Counter("c3").Increment());
        Assert.Equal(2, await _store.StoredValueAsync("c3"));

        // Only committed writes are measured: the first increment and the last, not the failed batch or its follower.
        Assert.Equal([1, 1], batches.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task A_stale_etag_fails_the_write_as_inconsistent_and_the_next_activation_reads_what_is_stored()
    {
        await Counter("c4").Increment();
        await _store.WriteBehindTheGrainsBackAsync("c4");

        await Assert.ThrowsAsync<InconsistentStateException>(() => Counter("c4").Increment());

        Assert.Equal(1, await Counter("c4").Get());
        Assert.Equal(2, await Counter("c4").Increment());
        Assert.Equal(2, await _store.StoredValueAsync("c4"));
    }
}
