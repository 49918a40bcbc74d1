using Orleans.Reminders.Diagnostics;

namespace Commerce.Testing;

/// <summary>
/// Follows one silo's reminders through Orleans' reminder diagnostic events, so a test on a fake clock advances time
/// only once the reminder it means to fire is waiting on that clock, and then awaits the tick itself. Advancing before
/// the reminder has armed its wait would skip the tick (Orleans anchors ticks to their schedule and skips missed ones).
/// </summary>
public sealed class ReminderProbe : IObserver<ReminderEvents.ReminderEvent>, IDisposable
{
    /// <summary>How long a wait may take before the test fails: a tick that never comes is a failure, not a hang.</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(1);

    private readonly SiloAddress _silo;
    private readonly IDisposable _subscription;
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), List<ReminderEvents.ReminderEvent>> _events = [];
    private readonly List<Waiter> _waiters = [];

    public ReminderProbe(SiloAddress silo)
    {
        _silo = silo;
        _subscription = ReminderEvents.AllEvents.Subscribe(this);
    }

    /// <summary>Completes once the reminder's wait for a tick is armed after its <paramref name="afterTicks"/>-th completed tick.</summary>
    public Task Armed(GrainId grain, string reminder, int afterTicks = 0)
        => WaitFor(grain, reminder, events => ArmedAfter(events, afterTicks));

    /// <summary>Completes once the reminder has delivered <paramref name="ticks"/> ticks (the grain's ReceiveReminder returned).</summary>
    public Task Ticked(GrainId grain, string reminder, int ticks)
        => WaitFor(grain, reminder, events => events.Count(e => e is ReminderEvents.TickCompleted or ReminderEvents.TickFailed) >= ticks);

    public void OnNext(ReminderEvents.ReminderEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_silo.Equals(value.SiloAddress))
        {
            return;
        }

        List<Waiter> satisfied;
        lock (_lock)
        {
            var key = (value.GrainId, value.ReminderName);
            if (!_events.TryGetValue(key, out var events))
            {
                _events[key] = events = [];
            }

            events.Add(value);
            satisfied = _waiters.Where(w => w.Key == key && w.IsSatisfied(events)).ToList();
            _waiters.RemoveAll(satisfied.Contains);
        }

        satisfied.ForEach(w => w.Done.TrySetResult());
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose() => _subscription.Dispose();

    private static bool ArmedAfter(List<ReminderEvents.ReminderEvent> events, int ticks)
    {
        var completed = 0;
        foreach (var e in events)
        {
            if (e is ReminderEvents.TickCompleted or ReminderEvents.TickFailed)
            {
                completed++;
            }
            else if (e is ReminderEvents.LocalReminderTickWaitArmed && completed >= ticks)
            {
                return true;
            }
        }

        return false;
    }

    private Task WaitFor(GrainId grain, string reminder, Func<List<ReminderEvents.ReminderEvent>, bool> isSatisfied)
    {
        var waiter = new Waiter((grain, reminder), isSatisfied);
        lock (_lock)
        {
            if (_events.TryGetValue(waiter.Key, out var events) && isSatisfied(events))
            {
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
        }

        return waiter.Done.Task.WaitAsync(s_patience);
    }

    private sealed record Waiter((GrainId, string) Key, Func<List<ReminderEvents.ReminderEvent>, bool> IsSatisfied)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
