using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

public sealed class GrainTimerTests
{
    [Fact]
    public async Task Grain_timer_ticks_as_time_passes_and_stops_with_the_activation()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await GrainTestCluster.StartAsync(timeProvider: time);
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("ticking");
        await grain.StartTimer(TimeSpan.FromSeconds(10));

        for (var tick = 1; tick <= 3; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await cluster.Probe.WaitForCountAsync("ticking:tick", tick);

            // Queued behind the tick's turn, so when it returns the timer has re-armed for the next period.
            await grain.Ping();
        }

        await grain.DeactivateWhenDone();
        await cluster.Probe.WaitForCountAsync("ticking:deactivated", 1);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, cluster.Probe.Count("ticking:tick"));
    }

    [Fact]
    public async Task A_tick_queued_behind_a_call_longer_than_the_call_timeout_still_runs_and_the_timer_goes_on()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await GrainTestCluster.StartAsync(timeProvider: time, configureSilo: o => o.CallTimeout = TimeSpan.FromSeconds(30));
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("starved");
        await grain.StartTimer(TimeSpan.FromSeconds(10));
        var hanging = grain.Hang("starved-gate");

        // The call must hold the turn before the tick comes due, or the tick would simply run first.
        await cluster.Probe.WaitForCountAsync("starved:hanging", 1);
        time.Advance(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<TimeoutException>(() => hanging);
        Assert.Equal(0, cluster.Probe.Count("starved:tick"));

        cluster.Probe.Open("starved-gate");
        await cluster.Probe.WaitForCountAsync("starved:tick", 1);
        await grain.Ping();
        time.Advance(TimeSpan.FromSeconds(10));
        await cluster.Probe.WaitForCountAsync("starved:tick", 2);
    }

    [Fact]
    public async Task A_one_shot_timer_rearmed_by_its_own_callback_keeps_ticking_even_when_due_mid_tick()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await GrainTestCluster.StartAsync(timeProvider: time);
        var grain = cluster.Grains.GetGrain<ILifecycleGrain>("chain");
        await grain.StartSelfRearmingTimer(TimeSpan.FromSeconds(10), "chain-gate");

        time.Advance(TimeSpan.FromSeconds(10));
        await cluster.Probe.WaitForCountAsync("chain:tick", 1);

        // The re-armed timer comes due while the first tick is still waiting on its gate.
        time.Advance(TimeSpan.FromSeconds(10));
        cluster.Probe.Open("chain-gate");
        await cluster.Probe.WaitForCountAsync("chain:tick", 2);

        await grain.Ping();
        time.Advance(TimeSpan.FromSeconds(10));
        await cluster.Probe.WaitForCountAsync("chain:tick", 3);
    }
}
