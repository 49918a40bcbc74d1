namespace Commerce.Testing;

/// <summary>Signals for test doubles that hold a caller: released by a test's clock, or never (until the caller gives up).</summary>
public static class ClockSignals
{
    /// <summary>Completes once <paramref name="clock"/> (a test's fake clock) has been advanced past <paramref name="after"/> from now.</summary>
    public static Task Passed(this TimeProvider clock, TimeSpan after)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var passed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = clock.CreateTimer(_ => passed.TrySetResult(), null, after, Timeout.InfiniteTimeSpan);
        return passed.Task.ContinueWith(_ => timer.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>A signal nothing sends: awaited with a token, it ends only as that token is cancelled.</summary>
    public static Task Never { get; } = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;
}
