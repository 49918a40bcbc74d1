using Microsoft.Extensions.Options;
using Runtime.Hosting;

namespace Runtime.Reminders;

/// <summary>
/// The reminders this silo will fire soon: those due within the horizon (two poll intervals), held in memory so a
/// tick fires on time without a query per tick. Fed by registrations on this silo and by polls of the table.
/// </summary>
/// <remarks>
/// A poll reads a snapshot that a registration on this silo may have overtaken; every registration and removal
/// bumps a version, and a poll's results are ignored for any reminder changed after the poll began.
/// </remarks>
internal sealed class ReminderSchedule(IOptions<SiloOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId GrainId, string Name), ScheduledReminder> _entries = [];
    private readonly Dictionary<(GrainId GrainId, string Name), long> _changedAtVersion = [];
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change to the schedule; read it before reading the schedule, so no change is missed.</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    public DateTimeOffset Horizon(DateTimeOffset now) => now + (2 * options.Value.ReminderPollInterval);

    public void Set(ReminderEntry entry)
    {
        var key = (entry.GrainId, entry.Name);
        lock (_lock)
        {
            _changedAtVersion[key] = ++_version;
            if (entry.DueAt <= Horizon(timeProvider.GetUtcNow()))
            {
                _entries[key] = new ScheduledReminder(entry);
            }
            else
            {
                _entries.Remove(key);
            }

            SignalLocked();
        }
    }

    public void Remove(GrainId grainId, string name)
    {
        lock (_lock)
        {
            _changedAtVersion[(grainId, name)] = ++_version;
            _entries.Remove((grainId, name));
            SignalLocked();
        }
    }

    /// <summary>Adds reminders read by a poll that began at <paramref name="pollVersion"/>.</summary>
    public void Merge(IEnumerable<ReminderEntry> entries, long pollVersion)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                var key = (entry.GrainId, entry.Name);
                var changedSincePoll = _changedAtVersion.TryGetValue(key, out var changedAt) && changedAt > pollVersion;
                if (!changedSincePoll && !_entries.ContainsKey(key))
                {
                    _entries[key] = new ScheduledReminder(entry);
                }
            }

            // Only one poll runs at a time; no later poll can predate these changes.
            foreach (var (key, changedAt) in _changedAtVersion.Where(pair => pair.Value <= pollVersion).ToList())
            {
                _changedAtVersion.Remove(key);
            }

            SignalLocked();
        }
    }

    /// <summary>Marks every due reminder as firing and returns them.</summary>
    public List<ScheduledReminder> TakeDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            var due = _entries.Values.Where(r => !r.Firing && r.FireAt <= now).ToList();
            foreach (var reminder in due)
            {
                reminder.Firing = true;
            }

            return due;
        }
    }

    public DateTimeOffset? NextDue()
    {
        lock (_lock)
        {
            DateTimeOffset? next = null;
            foreach (var reminder in _entries.Values)
            {
                if (!reminder.Firing && (next is null || reminder.FireAt < next))
                {
                    next = reminder.FireAt;
                }
            }

            return next;
        }
    }

    /// <summary>Records a delivered tick: the reminder moved to <paramref name="nextDue"/>, or (null ETag) changed or vanished meanwhile.</summary>
    public void Advanced(ScheduledReminder fired, long? newEtag, DateTimeOffset nextDue)
    {
        var key = (fired.Entry.GrainId, fired.Entry.Name);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var current) || !ReferenceEquals(current, fired))
            {
                return;
            }

            // A poll that read the row before this advance must not bring back the tick just delivered.
            _changedAtVersion[key] = ++_version;
            if (newEtag is null || nextDue > Horizon(timeProvider.GetUtcNow()))
            {
                _entries.Remove(key);
            }
            else
            {
                fired.Entry = fired.Entry with { DueAt = nextDue, Etag = newEtag.Value };
                fired.RetryAt = null;
                fired.Firing = false;
            }

            SignalLocked();
        }
    }

    /// <summary>Puts back a tick that was not delivered, to be tried again at <paramref name="retryAt"/>; it keeps its tick time.</summary>
    public void Retry(ScheduledReminder fired, DateTimeOffset retryAt)
    {
        lock (_lock)
        {
            fired.RetryAt = retryAt;
            fired.Firing = false;
            SignalLocked();
        }
    }

    /// <summary>Forgets the reminders of partitions this silo no longer serves; their new owner polls them.</summary>
    public void RemovePartitions(IReadOnlyCollection<int> partitions)
    {
        var gone = partitions.ToHashSet();
        lock (_lock)
        {
            foreach (var key in _entries.Where(pair => gone.Contains(pair.Value.Entry.Partition)).Select(pair => pair.Key).ToList())
            {
                _changedAtVersion[key] = ++_version;
                _entries.Remove(key);
            }

            SignalLocked();
        }
    }

    /// <summary>Wakes whoever waits on <see cref="Changed"/>.</summary>
    public void Nudge()
    {
        lock (_lock)
        {
            SignalLocked();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _changedAtVersion.Clear();
            SignalLocked();
        }
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}

/// <summary>A reminder in the schedule. Mutable under the schedule's lock only.</summary>
internal sealed class ScheduledReminder(ReminderEntry entry)
{
    /// <summary>The stored reminder; its <see cref="ReminderEntry.DueAt"/> is the time of the tick to deliver.</summary>
    public ReminderEntry Entry { get; set; } = entry;

    /// <summary>When a tick that could not be delivered is tried again.</summary>
    public DateTimeOffset? RetryAt { get; set; }

    public DateTimeOffset FireAt => RetryAt ?? Entry.DueAt;

    public bool Firing { get; set; }
}
