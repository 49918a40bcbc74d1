using Microsoft.Extensions.Logging;
using Runtime.Invocation;

namespace Runtime.Activation;

/// <summary>
/// A grain timer: each tick is queued to the activation as a turn, and a periodic timer re-arms only after that
/// turn finishes, so ticks never pile up behind a slow callback. A <see cref="Change"/> made during a tick stands;
/// if the timer comes due while a tick still runs, the next tick follows as soon as it ends.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly Lock _lock = new();
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private bool _tickInProgress;
    private bool _cameDueDuringTick;
    private bool _changedDuringTick;

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

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            _period = period;
            _changedDuringTick |= _tickInProgress;
        }

        Arm(dueTime);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
        }

        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    private void OnTimerFired()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            if (_tickInProgress)
            {
                _cameDueDuringTick = true;
                return;
            }

            _tickInProgress = true;
        }

        EnqueueTick();
    }

    private void EnqueueTick()
    {
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

        bool tickAgainNow;
        TimeSpan? rearmAfter = null;
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            tickAgainNow = _cameDueDuringTick;
            if (!tickAgainNow && !_changedDuringTick && _period != Timeout.InfiniteTimeSpan)
            {
                rearmAfter = _period;
            }

            _tickInProgress = tickAgainNow;
            _cameDueDuringTick = _changedDuringTick = false;
        }

        if (tickAgainNow)
        {
            EnqueueTick();
        }
        else if (rearmAfter is { } dueTime)
        {
            Arm(dueTime);
        }
    }

    private void Arm(TimeSpan dueTime)
    {
        try
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed by deactivation meanwhile; nothing left to arm.
        }
    }

    [LoggerMessage(10, LogLevel.Warning, "A timer callback of grain {GrainId} failed.")]
    private static partial void LogTickFailed(ILogger logger, Exception? exception, GrainId grainId);

    /// <summary>One tick as a turn of the activation. It has no caller, never times out, and dies with its activation.</summary>
    private sealed class TimerTick(GrainTimer timer, long enqueuedAt) : GrainCall(null, enqueuedAt)
    {
        public override bool AlwaysInterleave => false;

        public override bool KeepsActivationAlive => false;

        public override bool IsForwardable => false;

        public override bool CanExpire => false;

        public override string DisplayName => "timer tick";

        public override Task Task => Task.CompletedTask;

        public override Task StartTurn(object grain) => timer.RunTick();

        public override void Complete(Task turn) => timer.OnTickCompleted(turn);

        public override bool TryFail(Exception exception) => false;
    }
}
