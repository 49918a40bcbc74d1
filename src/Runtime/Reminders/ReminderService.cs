using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Runtime.Activation;
using Runtime.Diagnostics;
using Runtime.Hosting;
using Runtime.Metadata;
using Runtime.Partitioning;

namespace Runtime.Reminders;

/// <summary>
/// Fires the reminders of the partitions this silo owns: polls the table for those due soon, delivers each tick
/// as a grain call, and only then advances the reminder to its next tick in the table. A crash between delivery
/// and advance delivers the tick again (at least once); a tick that came due while no silo ran is delivered once.
/// </summary>
internal sealed partial class ReminderService(
    IReminderTable table,
    ReminderSchedule schedule,
    Catalog catalog,
    IPartitionOwnership ownership,
    IOptions<SiloOptions> options,
    TimeProvider timeProvider,
    RuntimeMetrics metrics,
    ILogger<ReminderService> logger)
{
    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(10);
    private static readonly GrainMethod s_receiveReminder = GrainInterfaceMetadata.For(typeof(IRemindable)).GetMethod(nameof(IRemindable.ReceiveReminder));

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _ticksInFlight = [];
    private Task _loop = Task.CompletedTask;
    private volatile bool _pollRequested;

    public void Start() => _loop = RunAsync(_stopping.Token);

    /// <summary>Reads the table at once, such as when this silo has just taken partitions over.</summary>
    public void RequestPoll()
    {
        _pollRequested = true;
        schedule.Nudge();
    }

    public void OnPartitionsLost(IReadOnlyCollection<int> partitions) => schedule.RemovePartitions(partitions);

    /// <summary>Stops at once, leaving ticks where they are, as a killed process would.</summary>
    public void Kill() => _stopping.Cancel();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task[] ticks;
        lock (_lock)
        {
            ticks = [.. _ticksInFlight];
        }

        try
        {
            await Task.WhenAll(ticks).WaitAsync(options.Value.DeactivationTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogTicksStillRunning(logger, ticks.Count(t => !t.IsCompleted));
        }

        schedule.Clear();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var nextPoll = DateTimeOffset.MinValue;
        while (!stopping.IsCancellationRequested)
        {
            var changed = schedule.Changed;
            var now = timeProvider.GetUtcNow();
            if (now >= nextPoll || _pollRequested)
            {
                _pollRequested = false;
                await PollAsync(now, stopping).ConfigureAwait(false);
                nextPoll = now + options.Value.ReminderPollInterval;
                continue;
            }

            foreach (var reminder in schedule.TakeDue(now))
            {
                Track(FireAsync(reminder, stopping));
            }

            var wakeAt = schedule.NextDue() is { } due && due < nextPoll ? due : nextPoll;
            await WaitUntilAsync(changed, wakeAt, stopping).ConfigureAwait(false);
        }
    }

    private async Task PollAsync(DateTimeOffset now, CancellationToken stopping)
    {
        try
        {
            var version = schedule.Version;
            var due = await table.ReadDueAsync(schedule.Horizon(now), ownership.ServedPartitions, stopping).ConfigureAwait(false);
            schedule.Merge(due, version);
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            LogPollFailed(logger, exception);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WaitUntilAsync(Task changed, DateTimeOffset wakeAt, CancellationToken stopping)
    {
        // Read the clock here, not at the top of the loop: scanning a large schedule takes time of its own.
        var now = timeProvider.GetUtcNow();
        if (wakeAt <= now)
        {
            return;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var elapsed = Task.Delay(wakeAt - now, timeProvider, cancelDelay.Token);

        // Timers are relative. If the clock jumped while this one was being created (a manual clock in a test),
        // it would fire late; look at the schedule again instead of trusting it.
        if (timeProvider.GetUtcNow() - now < TimeSpan.FromMilliseconds(1))
        {
            await Task.WhenAny(changed, elapsed).ConfigureAwait(false);
        }

        await cancelDelay.CancelAsync().ConfigureAwait(false);
    }

    private async Task FireAsync(ScheduledReminder reminder, CancellationToken stopping)
    {
        var entry = reminder.Entry;
        if (!ownership.IsServing(entry.Partition))
        {
            // Its partition moved (or lapsed) since it was scheduled: its owner fires it.
            schedule.RemovePartitions([entry.Partition]);
            return;
        }

        var tick = s_receiveReminder.CreateCall([entry.Name, new TickStatus(entry.StartAt, entry.Period, entry.DueAt)], context: null, timeProvider.GetTimestamp());
        try
        {
            await catalog.Dispatch(entry.GrainId, entry.Partition, tick).ConfigureAwait(false);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Not advanced: whoever serves the grain next fires it.
            return;
        }
        catch (Exception exception) when (!tick.HasStarted)
        {
            // Never reached the grain (it could not activate, or the tick expired in its queue): not delivered.
            LogTickNotDelivered(logger, exception, entry.Name, entry.GrainId);
            RetryLater(reminder);
            return;
        }
        catch (Exception exception)
        {
            // Delivered, and the grain failed to handle it: that is the grain's business; the schedule moves on.
            LogTickFailed(logger, exception, entry.Name, entry.GrainId);
        }

        var nextDue = entry.NextDueAfter(timeProvider.GetUtcNow());
        try
        {
            var etag = await table.AdvanceAsync(entry.GrainId, entry.Name, entry.Etag, nextDue, CancellationToken.None).ConfigureAwait(false);
            schedule.Advanced(reminder, etag, nextDue);
            metrics.RecordReminderTick(etag is null ? ReminderTickOutcome.Superseded : ReminderTickOutcome.Advanced);
        }
        catch (Exception exception)
        {
            LogAdvanceFailed(logger, exception, entry.Name, entry.GrainId);
            RetryLater(reminder);
        }
    }

    private void RetryLater(ScheduledReminder reminder)
    {
        var delay = reminder.Entry.Period < s_maxRetryDelay ? reminder.Entry.Period : s_maxRetryDelay;
        schedule.Retry(reminder, timeProvider.GetUtcNow() + delay);
        metrics.RecordReminderTick(ReminderTickOutcome.Retried);
    }

    private void Track(Task tick)
    {
        lock (_lock)
        {
            _ticksInFlight.Add(tick);
        }

        tick.ContinueWith(
            (completed, state) =>
            {
                var service = (ReminderService)state!;
                lock (service._lock)
                {
                    service._ticksInFlight.Remove(completed);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(30, LogLevel.Warning, "Polling the reminder table failed; retrying at the next poll.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainId} threw; the reminder stays scheduled.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(32, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainId} fired but could not be advanced; it will fire again.")]
    private static partial void LogAdvanceFailed(ILogger logger, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(34, LogLevel.Warning, "{Count} reminder ticks were still running when the reminder service stopped.")]
    private static partial void LogTicksStillRunning(ILogger logger, int count);

    [LoggerMessage(33, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainId} could not be delivered; retrying.")]
    private static partial void LogTickNotDelivered(ILogger logger, Exception exception, string reminderName, GrainId grainId);
}
