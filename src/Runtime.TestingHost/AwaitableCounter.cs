namespace Runtime.TestingHost;

/// <summary>A counter a test can await: <see cref="WhenAtLeast"/> completes when it reaches a target.</summary>
public sealed class AwaitableCounter
{
    /// <summary>How long <see cref="WhenAtLeast"/> waits before it fails with a <see cref="TimeoutException"/>.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private long _value;

    public long Value
    {
        get
        {
            lock (_lock)
            {
                return _value;
            }
        }
    }

    public long Add(long amount)
    {
        List<TaskCompletionSource> reached;
        long value;
        lock (_lock)
        {
            value = _value += amount;
            reached = _waiters.Where(w => w.Target <= value).Select(w => w.Reached).ToList();
            _waiters.RemoveAll(w => w.Target <= value);
        }

        reached.ForEach(r => r.TrySetResult());
        return value;
    }

    /// <summary>Completes when the value reaches <paramref name="target"/>; fails after <see cref="WaitLimit"/>.</summary>
    public Task WhenAtLeast(long target)
    {
        lock (_lock)
        {
            if (_value >= target)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, reached));
            return reached.Task.WaitAsync(WaitLimit);
        }
    }
}
