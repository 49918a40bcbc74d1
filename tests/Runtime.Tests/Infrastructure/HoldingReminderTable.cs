using Runtime.Reminders;

namespace Runtime.Tests.Infrastructure;

/// <summary>A real reminder table whose next poll can be held after it has read its snapshot, to stage a race.</summary>
public sealed class HoldingReminderTable(IReminderTable inner) : IReminderTable
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _snapshotRead;
    private TaskCompletionSource? _release;

    /// <summary>The next poll reads the table, then waits for <see cref="ReleasePoll"/>; the task completes once it has read.</summary>
    public Task HoldNextPoll()
    {
        lock (_lock)
        {
            _snapshotRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _snapshotRead.Task.WaitAsync(GrainProbe.WaitLimit);
        }
    }

    public void ReleasePoll()
    {
        lock (_lock)
        {
            _release?.TrySetResult();
        }
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, IReadOnlyCollection<int>? partitions, CancellationToken cancellationToken)
    {
        var snapshot = await inner.ReadDueAsync(dueBefore, partitions, cancellationToken);
        Task? release = null;
        lock (_lock)
        {
            if (_snapshotRead is { } read && read.TrySetResult())
            {
                release = _release!.Task;
            }
        }

        if (release is not null)
        {
            await release.WaitAsync(cancellationToken);
        }

        return snapshot;
    }

    public Task<long> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken) => inner.UpsertAsync(entry, cancellationToken);

    public Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken) => inner.RemoveAsync(grainId, name, cancellationToken);

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken) => inner.ReadAsync(grainId, name, cancellationToken);

    public Task<long?> AdvanceAsync(GrainId grainId, string name, long expectedEtag, DateTimeOffset nextDue, CancellationToken cancellationToken)
        => inner.AdvanceAsync(grainId, name, expectedEtag, nextDue, cancellationToken);
}
