using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Runtime.Reminders;
using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

/// <summary>At-least-once under trouble: ticks that never reach the grain, and polls that race a tick's advance.</summary>
public sealed class ReminderDeliveryTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_tick_that_never_reaches_the_grain_is_not_advanced_and_is_delivered_later()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await GrainTestCluster.StartAsync(timeProvider: time, configureSilo: Configure);
        var silo = cluster.Cluster.Silos[0];
        using var advanced = silo.RecordAdvancedReminderTicks();
        using var retried = silo.RecordRetriedReminderTicks();
        var grain = cluster.Grains.GetGrain<IReminderGrain>("unreachable");
        var start = time.GetUtcNow();
        await grain.Register("poll", TimeSpan.FromSeconds(10), Period);
        await grain.DeactivateWhenDone();

        // When the tick comes due the grain cannot activate, so the tick never starts: it is retried, not advanced.
        cluster.Probe.FailNext("unreachable:activation");
        time.Advance(TimeSpan.FromSeconds(10));
        await retried.WaitForTotalAsync(1);
        var row = await silo.ReminderTable().ReadAsync(new GrainId("reminder", "unreachable"), "poll", CancellationToken.None);
        Assert.Equal(start.AddSeconds(10), row!.DueAt);
        Assert.Empty(cluster.Probe.Ticks);

        // The retry, at most ten seconds later, reaches the grain with the original tick.
        time.Advance(TimeSpan.FromSeconds(10));
        await advanced.WaitForTotalAsync(1);
        var tick = Assert.Single(cluster.Probe.Ticks);
        Assert.Equal(start.AddSeconds(10), tick.Status.CurrentTickTime);
    }

    [Fact]
    public async Task A_poll_that_read_a_reminder_before_its_tick_was_advanced_does_not_deliver_the_tick_again()
    {
        var time = new ManualTimeProvider();
        var table = new HoldingReminderTable(new InMemoryReminderTable());
        await using var cluster = await GrainTestCluster.StartAsync(
            timeProvider: time,
            configureSilo: Configure,
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IReminderTable>(table)));
        var silo = cluster.Cluster.Silos[0];
        using var advanced = silo.RecordAdvancedReminderTicks();
        var grain = cluster.Grains.GetGrain<IReminderGrain>("raced");
        var start = time.GetUtcNow();
        await grain.SlowDeliveries("raced-gate");
        await grain.Register("poll", TimeSpan.FromSeconds(4), Period);

        // The tick at +4 s is being delivered (the grain waits on its gate) when the poll at +5 s reads the row.
        time.Advance(TimeSpan.FromSeconds(4));
        await cluster.Probe.WaitForCountAsync("ticks:raced:poll", 1);
        var pollRead = table.HoldNextPoll();
        time.Advance(TimeSpan.FromSeconds(1));
        await pollRead;

        // The tick completes and is advanced to +64 s; only then does the poll hand in its stale snapshot.
        cluster.Probe.Open("raced-gate");
        await advanced.WaitForTotalAsync(1);
        table.ReleasePoll();

        time.Advance(TimeSpan.FromSeconds(59));
        await advanced.WaitForTotalAsync(2);
        Assert.Equal([4d, 64d], cluster.Probe.Ticks.Select(t => (t.Status.CurrentTickTime - start).TotalSeconds));
    }

    private static void Configure(Hosting.SiloOptions options)
    {
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ReminderPollInterval = TimeSpan.FromSeconds(5);
        options.CallTimeout = TimeSpan.FromSeconds(30);
    }
}
