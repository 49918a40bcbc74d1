using System.Collections.Concurrent;

namespace Runtime.Reminders;

/// <summary>Reminders in process memory, for development and tests; one instance can outlive silos.</summary>
public sealed class InMemoryReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId GrainId, string Name), ReminderEntry> _entries = new();
    private long _lastEtag;

    public Task<long> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        var stored = entry with { Etag = Interlocked.Increment(ref _lastEtag) };
        _entries[(entry.GrainId, entry.Name)] = stored;
        return Task.FromResult(stored.Etag);
    }

    public Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken)
        => Task.FromResult(_entries.TryRemove((grainId, name), out _));

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken)
        => Task.FromResult(_entries.GetValueOrDefault((grainId, name)));

    public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, IReadOnlyCollection<int>? partitions, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReminderEntry> due = [.. _entries.Values.Where(e => e.DueAt <= dueBefore && (partitions is null || partitions.Contains(e.Partition)))];
        return Task.FromResult(due);
    }

    public Task<long?> AdvanceAsync(GrainId grainId, string name, long expectedEtag, DateTimeOffset nextDue, CancellationToken cancellationToken)
    {
        var key = (grainId, name);
        if (_entries.TryGetValue(key, out var current) && current.Etag == expectedEtag)
        {
            var advanced = current with { DueAt = nextDue, Etag = Interlocked.Increment(ref _lastEtag) };
            if (_entries.TryUpdate(key, advanced, current))
            {
                return Task.FromResult<long?>(advanced.Etag);
            }
        }

        return Task.FromResult<long?>(null);
    }
}
