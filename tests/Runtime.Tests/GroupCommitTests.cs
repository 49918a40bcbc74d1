using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Runtime.Storage;
using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Concurrent_writes_on_one_grain_are_all_confirmed_in_far_fewer_storage_writes()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true);
        var stock = cluster.Grains.GetGrain<IStockGrain>("flash-sale");
        await stock.Restock(5_000);
        using var writes = new MetricRecorder(cluster.Cluster.Silos[0].Services, "runtime.storage.writes", "outcome=committed");

        var confirmed = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(() => stock.ReserveOne())));

        Assert.All(confirmed, Assert.True);
        Assert.Equal(new StockLevels(4_000, 1_000), await stock.Levels());
        Assert.InRange(writes.Total, 1, 200);

        // What PostgreSQL holds is what was confirmed.
        var stored = await new PostgresGrainStorage(Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString!))
            .ReadAsync(new GrainStateKey("stock", "flash-sale", "stock"), CancellationToken.None);
        using var json = System.Text.Json.JsonDocument.Parse(stored!.Json);
        Assert.Equal(1_000, json.RootElement.GetProperty("reserved").GetInt32());
        Assert.Equal(4_000, json.RootElement.GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task A_failed_write_fails_every_caller_in_its_batch_and_leaves_no_phantom_mutation()
    {
        var faulty = new FaultInjectingGrainStorage(new InMemoryGrainStorage());
        await using var cluster = await GrainTestCluster.StartAsync(configureServices: services =>
        {
            services.RemoveAllKeyed(typeof(IGrainStorage), GrainStorageNames.Default);
            services.AddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, faulty);
        });
        var stock = cluster.Grains.GetGrain<IStockGrain>("outage");
        await stock.Restock(100);

        // Hold one write in flight so the next 50 reservations pile up into a single batch behind it.
        var held = faulty.HoldNextWrite();
        var first = stock.ReserveOne();
        await held;
        var batch = Enumerable.Range(0, 50).Select(_ => stock.ReserveOne()).ToList();
        await cluster.Probe.WaitForCountAsync("outage:awaiting-write", 51);
        faulty.FailNextWrite(new TimeoutException("database unreachable"));
        faulty.Release();

        Assert.True(await first);
        foreach (var reservation in batch)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => reservation);
        }

        // The activation was replaced; its successor reads only what committed.
        Assert.Equal(new StockLevels(99, 1), await stock.Levels());
        Assert.True(await stock.ReserveOne());
        Assert.Equal(new StockLevels(98, 2), await stock.Levels());
    }
}
