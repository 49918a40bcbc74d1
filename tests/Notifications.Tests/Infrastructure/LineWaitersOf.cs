namespace Notifications.Tests.Infrastructure;

/// <summary>Tests waiting for an item of a stream (a log entry): each completes on the first match offered after it began.</summary>
public sealed class LineWaitersOf<T>
{
    private readonly Lock _lock = new();
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Item)> _waiting = [];

    public Task<T> Next(Func<T, bool> match)
    {
        var item = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((match, item));
        }

        return item.Task;
    }

    public void Offer(T item)
    {
        List<TaskCompletionSource<T>> matched;
        lock (_lock)
        {
            matched = [.. _waiting.Where(w => w.Match(item)).Select(w => w.Item)];
            _waiting.RemoveAll(w => matched.Contains(w.Item));
        }

        matched.ForEach(waiter => waiter.TrySetResult(item));
    }
}
