using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;

namespace Runtime.Tests;

public sealed class TurnBasedExecutionTests
{
    [Fact]
    public async Task Non_reentrant_grain_never_runs_two_turns_at_once_under_10000_concurrent_calls()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<ITurnGrain>("hot");

        var results = await Task.WhenAll(Enumerable.Range(0, 10_000).Select(_ => Task.Run(() => grain.Enter())));

        Assert.Equal(1, await grain.MaxOverlap());
        // Each turn read the count, awaited, and wrote count + 1: any overlap would have lost an increment.
        Assert.Equal(Enumerable.Range(1, 10_000), results.Order());
    }

    [Fact]
    public async Task Non_reentrant_grain_queues_a_second_call_while_the_first_awaits()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<ITurnGrain>("queued");

        var first = grain.EnterAndWait("queued-gate");
        await cluster.Probe.WaitForCountAsync("queued:entered", 1);
        var second = grain.EnterAndWait("queued-gate");

        // An always-interleave call runs beside the blocked turn and sees that the second call has not started.
        Assert.Equal(1, await grain.Entered());
        cluster.Probe.Open("queued-gate");
        await Task.WhenAll(first, second);
        Assert.Equal(2, await grain.Entered());
    }

    [Fact]
    public async Task Reentrant_grain_interleaves_calls_at_awaits()
    {
        await using var cluster = await GrainTestCluster.StartAsync();
        var grain = cluster.Grains.GetGrain<IReentrantTurnGrain>("interleaved");

        var calls = new[] { grain.EnterAndWait("interleaved-gate"), grain.EnterAndWait("interleaved-gate") };
        await cluster.Probe.WaitForCountAsync("interleaved:entered", 2);
        cluster.Probe.Open("interleaved-gate");

        Assert.All(await Task.WhenAll(calls), maxInside => Assert.Equal(2, maxInside));
    }
}
