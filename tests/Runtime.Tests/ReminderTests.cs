using Runtime.Tests.Grains;
using Runtime.Tests.Infrastructure;
using Runtime.TestingHost;

namespace Runtime.Tests;

/// <summary>
/// Reminders on PostgreSQL with a manual clock. A test moves the clock only after the silo has advanced the last
/// tick (the runtime.reminder.ticks metric says so); otherwise a tick could be judged missed.
/// </summary>
public sealed class ReminderTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_reminder_fires_on_schedule()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartAsync(time);
        using var advanced = cluster.Cluster.Silos[0].RecordAdvancedReminderTicks();
        var grain = cluster.Grains.GetGrain<IReminderGrain>("scheduled");
        var registeredAt = time.GetUtcNow();
        await grain.Register("poll", TimeSpan.FromSeconds(30), Period);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, cluster.Probe.Count("ticks:scheduled:poll"));

        time.Advance(TimeSpan.FromSeconds(1));
        await advanced.WaitForTotalAsync(1);
        time.Advance(Period);
        await advanced.WaitForTotalAsync(2);
        time.Advance(Period);
        await advanced.WaitForTotalAsync(3);

        var ticks = cluster.Probe.Ticks.Where(t => t.GrainKey == "scheduled").ToList();
        Assert.Equal([30d, 90d, 150d], ticks.Select(t => (t.Status.CurrentTickTime - registeredAt).TotalSeconds));
        Assert.Equal(ticks.Select(t => t.Status.CurrentTickTime), ticks.Select(t => t.DeliveredAt));
        Assert.All(ticks, t => Assert.Equal(registeredAt.AddSeconds(30), t.Status.FirstTickTime));
    }

    [Fact]
    public async Task An_unregistered_reminder_stops_firing_and_leaves_the_table()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartAsync(time);
        using var advanced = cluster.Cluster.Silos[0].RecordAdvancedReminderTicks();
        var grain = cluster.Grains.GetGrain<IReminderGrain>("cancelled");
        await grain.Register("poll", Period, Period);
        time.Advance(Period);
        await advanced.WaitForTotalAsync(1);

        await grain.Unregister("poll");
        Assert.False(await grain.IsRegistered("poll"));
        Assert.Null(await cluster.Cluster.Silos[0].ReminderTable().ReadAsync(new GrainId("reminder", "cancelled"), "poll", CancellationToken.None));

        // A sentinel due after the cancelled reminder's next tick proves the silo has looked past that time.
        await cluster.Grains.GetGrain<IReminderGrain>("sentinel").Register("poll", Period * 2, Period);
        time.Advance(Period);
        time.Advance(Period);
        await advanced.WaitForTotalAsync(2);
        Assert.Equal(1, cluster.Probe.Count("ticks:sentinel:poll"));
        Assert.Equal(1, cluster.Probe.Count("ticks:cancelled:poll"));
    }

    [Fact]
    public async Task A_reminder_survives_a_silo_restart_and_a_tick_missed_while_down_fires_once()
    {
        var time = new ManualTimeProvider();
        await using var cluster = await StartAsync(time);
        var start = time.GetUtcNow();
        using (var advanced = cluster.Cluster.Silos[0].RecordAdvancedReminderTicks())
        {
            await cluster.Grains.GetGrain<IReminderGrain>("durable").Register("poll", Period, Period);
            time.Advance(Period);
            await advanced.WaitForTotalAsync(1);
        }

        // Down for ten periods: nothing runs, ticks at +2 … +11 minutes are missed.
        await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[0]);
        time.Advance(Period * 10);
        MetricRecorder? afterRestart = null;
        var silo = await cluster.Cluster.StartSiloAsync(beforeStart: s => afterRestart = s.RecordAdvancedReminderTicks());
        using var recorder = afterRestart!;

        // On start the overdue tick is delivered once, and the reminder moves to the first tick after now.
        await recorder.WaitForTotalAsync(1);
        var row = await silo.ReminderTable().ReadAsync(new GrainId("reminder", "durable"), "poll", CancellationToken.None);
        Assert.Equal(start + (Period * 12), row!.DueAt);

        time.Advance(Period);
        await recorder.WaitForTotalAsync(2);
        var ticks = cluster.Probe.Ticks.Where(t => t.GrainKey == "durable").Select(t => (t.Status.CurrentTickTime - start).TotalMinutes);
        Assert.Equal([1d, 2d, 12d], ticks);
    }

    [Fact]
    public async Task Registering_a_period_shorter_than_the_minimum_is_rejected()
    {
        await using var cluster = await StartAsync(new ManualTimeProvider());
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => cluster.Grains.GetGrain<IReminderGrain>("too-fast").Register("poll", TimeSpan.Zero, TimeSpan.FromMilliseconds(500)));
        Assert.Contains("MinimumReminderPeriod", error.Message, StringComparison.Ordinal);
    }

    private static Task<GrainTestCluster> StartAsync(ManualTimeProvider time)
        => GrainTestCluster.StartAsync(
            postgres: true,
            timeProvider: time,
            configureSilo: o =>
            {
                o.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                o.ReminderPollInterval = TimeSpan.FromSeconds(5);
            });
}
