namespace Commerce.Testing;

/// <summary>Tests waiting for a line of a process's output: each completes on the first matching line after it began.</summary>
internal sealed class LineWaiters
{
    private readonly Lock _lock = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Line)> _waiting = [];

    public Task<string> Next(Func<string, bool> match)
    {
        var line = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((match, line));
        }

        return line.Task;
    }

    public void Offer(string line)
    {
        List<TaskCompletionSource<string>> matched;
        lock (_lock)
        {
            matched = [.. _waiting.Where(w => w.Match(line)).Select(w => w.Line)];
            _waiting.RemoveAll(w => matched.Contains(w.Line));
        }

        matched.ForEach(waiter => waiter.TrySetResult(line));
    }
}
