using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Runtime.Cluster;
using Runtime.Cluster.Transport;
using Runtime.Metadata;
using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

/// <summary>Silos on one PostgreSQL, talking over their real HTTP/2 transport; tests call through a cluster client.</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task Every_grain_has_exactly_one_activation_across_three_silos()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 3);
        var client = await cluster.Cluster.GetClientAsync();

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await client.GrainFactory.GetGrain<ILifecycleGrain>($"one-{i}").Ping());

        var perSilo = cluster.Cluster.Silos.Select(s => s.ActivatedGrains().Where(g => g.Type == "lifecycle").ToList()).ToList();
        Assert.Equal(10_000, perSilo.Sum(grains => grains.Count));
        Assert.Equal(10_000, perSilo.SelectMany(grains => grains).Distinct().Count());
        Assert.All(perSilo, grains => Assert.InRange(grains.Count, 2_000, 5_000));
        Assert.All(Enumerable.Range(0, 10_000), i => Assert.Equal(1, cluster.Probe.Count($"one-{i}:activated")));

        var status = await client.Status.GetSilosAsync(CancellationToken.None);
        Assert.Equal(3, status.Count(s => s.Status == SiloStatus.Active));
        Assert.Equal(1024, status.Sum(s => s.OwnedPartitions));
    }

    [Fact]
    public async Task A_fourth_silo_takes_about_a_quarter_of_the_partitions_while_calls_keep_succeeding()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 3);
        await using var observer = await ClusterObserver.StartAsync(cluster.ConnectionString!);
        var before = await observer.WaitUntilBalancedAsync(RunningSiloIds(cluster), GrainProbe.WaitLimit);
        var client = await cluster.Cluster.GetClientAsync();
        var added = new ConcurrentDictionary<string, int>();
        await using var load = CounterLoad(client, "join", grains: 200, added);
        await load.AdvanceAsync(500);

        var joined = await cluster.Cluster.StartSiloAsync();
        var after = await observer.WaitUntilBalancedAsync(RunningSiloIds(cluster), GrainProbe.WaitLimit);
        await load.AdvanceAsync(500);
        await load.StopAsync();

        Assert.Empty(load.Failures);
        var moved = before.Count(pair => after[pair.Key] != pair.Value);
        Assert.Equal(after.Count(pair => pair.Value == joined.SiloId), moved);
        Assert.InRange(moved, 1024 / 8, 1024 * 3 / 10);
        await AssertCountersAsync(client, added);
    }

    [Fact]
    public async Task Stopping_a_silo_gracefully_under_load_fails_no_call_and_its_grains_resume_elsewhere_with_their_state()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 3);
        var client = await cluster.Cluster.GetClientAsync();
        var added = new ConcurrentDictionary<string, int>();
        await using var load = CounterLoad(client, "drain", grains: 300, added);
        await load.AdvanceAsync(1_000);
        var leaving = cluster.Cluster.Silos[1];
        var hostedThere = leaving.ActivatedGrains().Count(g => g.Type == "placement");

        await cluster.Cluster.StopSiloAsync(leaving);
        await load.AdvanceAsync(1_000);
        await load.StopAsync();

        Assert.True(hostedThere > 0, "The stopped silo hosted none of the grains under load.");
        Assert.Empty(load.Failures);
        await AssertCountersAsync(client, added);
    }

    [Fact]
    public async Task Killing_a_silo_under_reservation_load_loses_no_confirmed_reservation_and_oversells_nothing()
    {
        const int Products = 6, UnitsEach = 1_500;
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 3);
        var client = await cluster.Cluster.GetClientAsync();
        var products = Enumerable.Range(0, Products).Select(i => client.GrainFactory.GetGrain<IReservableStockGrain>($"hot-{i}")).ToList();
        await Task.WhenAll(products.Select(p => p.Restock(UnitsEach)));
        var victim = cluster.Cluster.Silos[0];
        var victimProducts = Enumerable.Range(0, Products).Where(i => victim.IsServing(victim.PartitionOf(new GrainId("reservable-stock", $"hot-{i}")))).ToList();

        var confirmed = new ConcurrentDictionary<string, byte>();
        var killedAt = 0L;
        var takeover = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var load = CallLoad.Start(24, async (worker, iteration) =>
        {
            var product = (int)((worker + iteration) % Products);
            var id = $"w{worker}-{iteration}";
            while (true)
            {
                try
                {
                    if (await products[product].Reserve(id))
                    {
                        confirmed[$"{product}/{id}"] = 0;
                        if (Volatile.Read(ref killedAt) != 0 && victimProducts.Contains(product))
                        {
                            takeover.TrySetResult(Stopwatch.GetElapsedTime(Volatile.Read(ref killedAt)));
                        }
                    }

                    return;
                }
                catch (Exception exception) when (exception is GrainCallInterruptedException or TimeoutException)
                {
                    // The answer was lost with the silo: ask again under the same id, which cannot reserve twice.
                }
            }
        });
        await load.AdvanceAsync(1_500);

        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        await cluster.Cluster.KillSiloAsync(victim);
        var takeoverTime = victimProducts.Count == 0 ? TimeSpan.Zero : await takeover.Task.WaitAsync(GrainProbe.WaitLimit);
        await load.AdvanceAsync(1_500);
        await load.StopAsync();

        Assert.Empty(load.Failures);
        Assert.InRange(takeoverTime, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        for (var i = 0; i < Products; i++)
        {
            var stock = await products[i].Read();
            var confirmedHere = confirmed.Keys.Where(k => k.StartsWith($"{i}/", StringComparison.Ordinal)).Select(k => k[(k.IndexOf('/') + 1)..]).Order().ToList();
            Assert.Equal(confirmedHere, stock.Reservations);
            Assert.Equal(UnitsEach, stock.Available + stock.Reservations.Length);
            Assert.True(stock.Available >= 0);
        }
    }

    [Fact]
    public async Task A_paused_silo_stops_serving_before_another_claims_its_partitions_and_its_late_write_fails()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 2);
        var client = await cluster.Cluster.GetClientAsync();
        var (paused, other) = (cluster.Cluster.Silos[0], cluster.Cluster.Silos[1]);
        var key = Enumerable.Range(0, 10_000).Select(i => $"paused-{i}").First(k => paused.IsServing(paused.PartitionOf(new GrainId("placement", k))));
        var partition = paused.PartitionOf(new GrainId("placement", key));
        var grain = client.GrainFactory.GetGrain<IPlacementGrain>(key);
        Assert.Equal(1, await grain.Add(1));
        var lateWrite = grain.AddAfter($"{key}:gate", 5);
        await cluster.Probe.WaitForCountAsync($"{key}:waiting", 1);

        TestCluster.PauseSilo(paused);
        await other.WhenServingAsync(partition).WaitAsync(GrainProbe.WaitLimit);

        // By the time the other silo holds the partition, the paused one refuses it, though its activation is still there.
        Assert.False(paused.IsServing(partition));
        Assert.Contains(new GrainId("placement", key), paused.ActivatedGrains());
        using var transport = new Http2GrainTransport(Options.Create(new ClusterOptions()));
        var read = GrainInterfaceMetadata.For(typeof(IPlacementGrain)).GetMethod(nameof(IPlacementGrain.Value));
        Assert.IsType<TransportOutcome.Moved>(await transport.SendAsync(paused.Address!, new GrainId("placement", key), read, [], null, CancellationToken.None));

        // The new owner only reads; the paused silo's late write is refused by its lease epoch, not by an ETag race.
        Assert.Equal(1, await grain.Value());
        Assert.Equal(other.Name, await grain.Silo());
        cluster.Probe.Open($"{key}:gate");
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => lateWrite);
        Assert.Contains("no longer holds partition", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, await grain.Value());
        Assert.Equal(11, await grain.Add(10));
    }

    [Fact]
    public async Task A_graceful_hand_off_keeps_its_leases_until_running_calls_have_flushed()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 2);
        var client = await cluster.Cluster.GetClientAsync();
        var leaving = cluster.Cluster.Silos[0];
        var key = Enumerable.Range(0, 10_000).Select(i => $"handoff-{i}").First(k => leaving.IsServing(leaving.PartitionOf(new GrainId("placement", k))));
        var grain = client.GrainFactory.GetGrain<IPlacementGrain>(key);
        Assert.Equal(1, await grain.Add(1));
        var slowWrite = grain.AddAfter($"{key}:gate", 5);
        await cluster.Probe.WaitForCountAsync($"{key}:waiting", 1);

        var stopping = cluster.Cluster.StopSiloAsync(leaving);
        var read = grain.Value();

        // Two whole lease durations pass: the leaving silo goes on renewing, so nobody can claim and read stale state.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.False(read.IsCompleted);
        cluster.Probe.Open($"{key}:gate");

        Assert.Equal(6, await slowWrite);
        Assert.Equal(6, await read);
        await stopping;
        Assert.Equal(11, await grain.Add(5));
    }

    [Fact]
    public async Task Reminders_keep_firing_after_the_silo_that_owned_them_is_killed()
    {
        await using var cluster = await GrainTestCluster.StartAsync(
            postgres: true,
            silos: 2,
            configureSilo: o =>
            {
                o.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                o.ReminderPollInterval = TimeSpan.FromSeconds(1);
            });
        var client = await cluster.Cluster.GetClientAsync();
        var (owner, survivor) = (cluster.Cluster.Silos[0], cluster.Cluster.Silos[1]);
        var key = Enumerable.Range(0, 10_000).Select(i => $"orphan-{i}").First(k => owner.IsServing(owner.PartitionOf(new GrainId("reminder", k))));
        await client.GrainFactory.GetGrain<IReminderGrain>(key).Register("poll", TimeSpan.Zero, TimeSpan.FromSeconds(1));
        await cluster.Probe.WaitForCountAsync($"ticks:{key}:poll@{owner.Name}", 1);

        await cluster.Cluster.KillSiloAsync(owner);

        await cluster.Probe.WaitForCountAsync($"ticks:{key}:poll@{survivor.Name}", 2);
    }

    [Fact]
    public async Task Request_context_and_cancellation_travel_with_a_call_to_another_silo()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 2);
        var client = await cluster.Cluster.GetClientAsync();
        var (caller, host) = (cluster.Cluster.Silos[0], cluster.Cluster.Silos[1]);
        var key = Enumerable.Range(0, 10_000).Select(i => $"remote-{i}").First(k => host.IsServing(host.PartitionOf(new GrainId("lifecycle", k))));
        var context = new RequestContext("req-9", "bob", "trace-3");

        RequestContext.Current = context;
        var fromClient = await client.GrainFactory.GetGrain<ILifecycleGrain>(key).ReadRequestContext();
        var fromSilo = await caller.GrainFactory.GetGrain<ILifecycleGrain>(key).ReadRequestContext();
        RequestContext.Current = null;
        Assert.Equal(context, fromClient);
        Assert.Equal(context, fromSilo);

        using var cancellation = new CancellationTokenSource();
        var waiting = caller.GrainFactory.GetGrain<ILifecycleGrain>(key).WaitForCancellation(cancellation.Token);
        await cluster.Probe.WaitForCountAsync($"{key}:waiting-for-cancellation", 1);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await cluster.Probe.WaitForCountAsync($"{key}:canceled", 1);
    }

    [Fact]
    public async Task Two_silos_starting_together_on_an_empty_database_both_come_up_and_share_the_partitions()
    {
        await using var cluster = await GrainTestCluster.StartAsync(postgres: true, silos: 2);
        await using var observer = await ClusterObserver.StartAsync(cluster.ConnectionString!);

        var owners = await observer.WaitUntilBalancedAsync(RunningSiloIds(cluster), GrainProbe.WaitLimit);

        Assert.All(cluster.Cluster.Silos, silo => Assert.InRange(owners.Values.Count(id => id == silo.SiloId), 400, 624));
    }

    private static IEnumerable<string> RunningSiloIds(GrainTestCluster cluster) => cluster.Cluster.Silos.Where(s => s.IsRunning).Select(s => s.SiloId!);

    /// <summary>16 workers adding 1 to counters spread over <paramref name="grains"/> grains, tallying every confirmed add.</summary>
    private static CallLoad CounterLoad(ClusterClient client, string prefix, int grains, ConcurrentDictionary<string, int> added)
        => CallLoad.Start(16, async (worker, iteration) =>
        {
            var key = $"{prefix}-{(worker * 7919 + iteration) % grains}";
            await client.GrainFactory.GetGrain<IPlacementGrain>(key).Add(1);
            added.AddOrUpdate(key, 1, (_, n) => n + 1);
        });

    /// <summary>Every counter holds exactly the adds confirmed to callers: nothing lost, nothing applied twice.</summary>
    private static async Task AssertCountersAsync(ClusterClient client, ConcurrentDictionary<string, int> added)
    {
        foreach (var (key, count) in added)
        {
            Assert.Equal(count, await client.GrainFactory.GetGrain<IPlacementGrain>(key).Value());
        }
    }
}
