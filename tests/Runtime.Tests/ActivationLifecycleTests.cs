using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

public sealed class ActivationLifecycleTests
{
    [Fact]
    public async Task Idle_activation_is_collected_after_its_age_and_a_later_call_reactivates_it()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithTwoMinuteCollectionAgeAsync(time);
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("idle");
        Assert.Equal(1, await grain.Ping());

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, cluster.Probe.Count("idle:deactivated"));
        Assert.Equal(1, cluster.Cluster.Silos[0].ActivationCount);

        time.Advance(TimeSpan.FromMinutes(1));
        await cluster.Probe.WaitForCountAsync("idle:deactivated:IdleCollection", 1);

        Assert.Equal(2, await grain.Ping());
    }

    [Fact]
    public async Task Recent_calls_keep_an_activation_alive()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartWithTwoMinuteCollectionAgeAsync(time);
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("busy");

        for (var minute = 0; minute < 5; minute++)
        {
            Assert.Equal(1, await grain.Ping());
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(0, cluster.Probe.Count("busy:deactivated"));
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_current_call()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("leaving");
        Assert.Equal(1, await grain.Ping());

        await grain.DeactivateWhenDone();
        await cluster.Probe.WaitForCountAsync("leaving:deactivated:ApplicationRequested", 1);

        Assert.Equal(2, await grain.Ping());
    }

    [Fact]
    public async Task Graceful_stop_lets_a_running_call_finish_and_deactivates_every_grain()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grains = Enumerable.Range(0, 50).Select(i => cluster.Grains.GetGrain<ILifecycleGrain>($"stop-{i}")).ToList();
        await Task.WhenAll(grains.Select(g => g.Ping()));
        var running = grains[0].Hang("stop-gate");
        await cluster.Probe.WaitForCountAsync("stop-0:hanging", 1);

        var stopping = cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[0]);
        Assert.False(running.IsCompleted);
        cluster.Probe.Open("stop-gate");
        await running;
        await stopping;

        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(1, cluster.Probe.Count($"stop-{i}:deactivated:ShuttingDown")));
        await Assert.ThrowsAsync<GrainUnavailableException>(() => grains[1].Ping());
    }

    private static Task<GrainTestCluster> StartWithTwoMinuteCollectionAgeAsync(ManualTimeProvider time)
        => GrainTestCluster.StartAsync(
            timeProvider: time,
            configureSilo: o =>
            {
                o.DefaultCollectionAge = TimeSpan.FromMinutes(2);
                o.CollectionQuantum = TimeSpan.FromMinutes(1);
            });
}
