using Microsoft.Extensions.Logging;
using Runtime.Invocation;

namespace Runtime.Activation;

/// <summary>
/// A grain timer: each tick is queued to the activation as a turn, and the next tick is armed only after that
/// turn finishes, so ticks never pile up behind a slow callback.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private int _tickPending;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeProvider timeProvider, ILogger logger)
    {
        _activation = activation;
        _callback = callback;
        _timeProvider = timeProvider;
        _logger = logger;
        _timer = timeProvider.CreateTimer(static state => ((GrainTimer)state!).OnTimerFired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        }

        _period = period;
        TryArm(dueTime);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private void OnTimerFired()
    {
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }

        if (!_activation.TryEnqueue(new TimerTick(this, _timeProvider.GetTimestamp())))
        {
            Dispose();
        }
    }

    private Task RunTick() => _callback(_disposed.Token);

    private void OnTickCompleted(Task turn)
    {
        if (turn.IsFaulted)
        {
            LogTickFailed(_logger, turn.Exception.InnerException, _activation.GrainId);
        }

        Volatile.Write(ref _tickPending, 0);
        if (_period != Timeout.InfiniteTimeSpan)
        {
            TryArm(_period);
        }
    }

    private void TryArm(TimeSpan dueTime)
    {
        try
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed by deactivation between the check and here; nothing left to arm.
        }
    }

    [LoggerMessage(10, LogLevel.Warning, "A timer callback of grain {GrainId} failed.")]
    private static partial void LogTickFailed(ILogger logger, Exception? exception, GrainId grainId);

    /// <summary>One tick as a turn of the activation. It has no caller and dies with its activation.</summary>
    private sealed class TimerTick(GrainTimer timer, long enqueuedAt) : GrainCall(null, enqueuedAt)
    {
        public override bool AlwaysInterleave => false;

        public override bool KeepsActivationAlive => false;

        public override bool IsForwardable => false;

        public override string DisplayName => "timer tick";

        public override Task Task => Task.CompletedTask;

        public override Task StartTurn(object grain) => timer.RunTick();

        public override void Complete(Task turn) => timer.OnTickCompleted(turn);

        // A slow tick keeps running; the timer re-arms when it actually completes.
        public override bool TryFail(Exception exception) => false;
    }
}
