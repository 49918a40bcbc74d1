using Runtime.Storage;
using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;

namespace Runtime.Tests;

public sealed class PersistenceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task State_survives_deactivation(bool postgres)
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres);
        var counter = cluster.Grains.GetGrain<ICounterGrain>("survivor");
        await counter.Add(5);
        await counter.Add(7);

        await counter.DeactivateWhenDone();
        Assert.Equal(12, await counter.Get());
        Assert.Equal(2, await counter.ActivationNumber());
        Assert.Equal("2", await counter.GetEtag());
    }

    [Fact]
    public async Task State_survives_a_silo_restart_on_PostgreSQL()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true);
        await cluster.Grains.GetGrain<ICounterGrain>("restart").Add(41);

        await cluster.Cluster.RestartSiloAsync(cluster.Cluster.Silos[0]);

        var counter = cluster.Grains.GetGrain<ICounterGrain>("restart");
        Assert.Equal(41, await counter.Get());
        Assert.Equal(42, await counter.Add(1));
    }

    [Fact]
    public async Task A_write_after_another_writer_changed_the_row_fails_with_InconsistentStateException_and_the_next_activation_reads_the_winner()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true);
        var counter = cluster.Grains.GetGrain<ICounterGrain>("contended");
        await counter.Add(1);

        // A second writer, such as a stale activation elsewhere, commits first.
        var storage = new PostgresGrainStorage(Npgsql.NpgsqlDataSource.Create(cluster.ConnectionString!));
        var key = new GrainStateKey("counter", "contended", "counter");
        var stored = await storage.ReadAsync(key, CancellationToken.None);
        await storage.WriteAsync(key, 0, """{"value":100}""", stored!.Etag, fence: null, CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => counter.Add(1));
        Assert.Equal("1", conflict.ExpectedEtag);
        Assert.Equal("2", conflict.CurrentEtag);
        Assert.Equal(100, await counter.Get());
        Assert.Equal(2, await counter.ActivationNumber());
    }

    [Fact]
    public async Task Clearing_state_deletes_the_record_and_a_later_write_creates_it_again()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true);
        var counter = cluster.Grains.GetGrain<ICounterGrain>("cleared");
        await counter.Add(3);

        await counter.Clear();
        Assert.Null(await counter.GetEtag());
        await counter.DeactivateWhenDone();
        Assert.Equal(0, await counter.Get());

        Assert.Equal(4, await counter.Add(4));
        Assert.Equal("1", await counter.GetEtag());
    }
}
