namespace Commerce.Testing;

/// <summary>
/// Tests waiting for an item of a stream (a line of a process's output, a parsed log entry): each completes on the
/// first match offered after it began.
/// </summary>
public sealed class LineWaiters<T>
{
    private readonly Lock _lock = new();
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Line)> _waiting = [];

    public Task<T> Next(Func<T, bool> match)
    {
        var line = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((match, line));
        }

        return line.Task;
    }

    public void Offer(T line)
    {
        List<TaskCompletionSource<T>> matched;
        lock (_lock)
        {
            matched = [.. _waiting.Where(w => w.Match(line)).Select(w => w.Line)];
            _waiting.RemoveAll(w => matched.Contains(w.Line));
        }

        matched.ForEach(waiter => waiter.TrySetResult(line));
    }
}
