using Microsoft.Extensions.Logging;
using Runtime.Invocation;
using Runtime.Metadata;
using Runtime.Storage;

namespace Runtime.Activation;

/// <summary>
/// The single live instance of one grain in this silo, and its scheduler.
/// </summary>
/// <remarks>
/// <para>
/// Work reaches an activation in two queues: <em>requests</em> (new calls, each one a turn) and <em>work items</em>
/// (continuations of turns already running, posted through <see cref="ActivationSynchronizationContext"/>, and the
/// runtime's own steps such as activation and deactivation). At most one thread runs an activation's code at a time:
/// the one that set <see cref="_scheduled"/>. Work items always run; a request starts only when the activation is
/// valid and either nothing else is running, the class is reentrant, or the method is always-interleave.
/// </para>
/// <para>
/// A caller that finds the activation idle runs the call inline on its own thread instead of queueing it, which
/// saves two thread hops per call; a call that does not finish synchronously continues on the activation's queue.
/// </para>
/// </remarks>
internal sealed partial class ActivationData : IGrainContext, IThreadPoolWorkItem
{
    /// <summary>Items a worker runs before giving its thread back to the pool, so one hot grain cannot starve others.</summary>
    private const int ItemsPerSlice = 64;

    /// <summary>How deep inline calls may nest on one thread (grain A calling idle grain B inline, and so on).</summary>
    private const int MaxInlineDepth = 2;

    [ThreadStatic]
    private static int t_inlineDepth;

    private readonly Lock _lock = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _workItems = new();
    private readonly Queue<GrainCall> _requests = new();
    private readonly Queue<GrainCall> _interleavingRequests = new();
    private readonly ActivationSynchronizationContext _synchronizationContext;
    private readonly ActivationServices _services;
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GrainTimer> _timers = [];

    private ActivationState _state = ActivationState.Created;
    private bool _scheduled;
    private int _runningCount;
    private int _runningBlockingCount;
    private GrainCall? _runningHead;
    private long _lastActive;
    private bool _deactivateWhenIdle;
    private DeactivationReason? _deactivationReason;
    private TaskCompletionSource? _drained;
    private Grain? _grain;
    private IReadOnlyList<IGrainStateLifecycle> _states = [];

    public ActivationData(GrainId grainId, int partition, GrainClassMetadata grainClass, ActivationServices services)
    {
        GrainId = grainId;
        Partition = partition;
        GrainClass = grainClass;
        _services = services;
        _synchronizationContext = new ActivationSynchronizationContext(this);
        _lastActive = services.TimeProvider.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public int Partition { get; }

    public GrainClassMetadata GrainClass { get; }

    public IGrainFactory GrainFactory => _services.GrainFactory.Value;

    /// <summary>Completes when the activation has been removed from the catalog.</summary>
    public Task Deactivated => _deactivated.Task;

    /// <summary>
    /// Delivers a call: inline when the activation is idle, queued otherwise. Returns the caller's task, or null
    /// when this activation is gone and the caller must find (or create) the next one.
    /// </summary>
    public Task? Invoke(GrainCall call)
    {
        bool runInline = false, schedule = false;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return null;
            }

            if (!_scheduled && t_inlineDepth < MaxInlineDepth && _state == ActivationState.Valid
                && _workItems.Count == 0 && _requests.Count == 0 && _interleavingRequests.Count == 0 && MayStartLocked(call))
            {
                _scheduled = true;
                StartRunningLocked(call);
                runInline = true;
            }
            else
            {
                EnqueueLocked(call);
                schedule = TryClaimWorkerLocked();
            }
        }

        if (runInline)
        {
            return RunInline(call);
        }

        if (schedule)
        {
            ScheduleWorker();
        }

        return call.Task;
    }

    /// <summary>Queues a call without trying to run it inline; used for timer ticks and forwarded calls.</summary>
    public bool TryEnqueue(GrainCall call)
    {
        bool schedule;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return false;
            }

            EnqueueLocked(call);
            schedule = TryClaimWorkerLocked();
        }

        if (schedule)
        {
            ScheduleWorker();
        }

        return true;
    }

    /// <summary>Queues a continuation; called by the activation's synchronization context.</summary>
    public void Post(SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            _workItems.Enqueue((callback, state));
            schedule = !_scheduled;
            _scheduled = true;
        }

        if (schedule)
        {
            ScheduleWorker();
        }
    }

    public void Deactivate(DeactivationReason reason)
    {
        bool schedule;
        lock (_lock)
        {
            BeginDeactivationLocked(reason);
            schedule = TryClaimWorkerLocked();
        }

        if (schedule)
        {
            ScheduleWorker();
        }
    }

    /// <summary>Called by a persistent state whose write failed: its in-memory state can no longer be trusted.</summary>
    public void OnStateFailed(Exception exception)
        => Deactivate(exception is InconsistentStateException
            ? new DeactivationReason(DeactivationReasonCode.InconsistentState, exception.Message)
            : new DeactivationReason(DeactivationReasonCode.StorageFailure, exception.Message));

    /// <summary>True when the activation has had nothing to do for at least its collection age.</summary>
    public bool IsIdleSince(long now)
    {
        lock (_lock)
        {
            return _state == ActivationState.Valid && _runningCount == 0 && _requests.Count == 0 && _interleavingRequests.Count == 0
                && _services.TimeProvider.GetElapsedTime(_lastActive, now) >= GrainClass.CollectionAge;
        }
    }

    /// <summary>Fails calls that have waited longer than the call timeout. A running turn goes on; only its caller stops waiting.</summary>
    public void ExpireCalls(long now)
    {
        List<GrainCall>? expired = null;
        var timeout = _services.Options.CallTimeout;
        lock (_lock)
        {
            ExpireQueuedLocked(_requests, now, timeout, ref expired);
            ExpireQueuedLocked(_interleavingRequests, now, timeout, ref expired);
            for (var call = _runningHead; call is not null; call = call.NextRunning)
            {
                if (call.CanExpire && !call.TimedOut && _services.TimeProvider.GetElapsedTime(call.EnqueuedAt, now) > timeout)
                {
                    call.TimedOut = true;
                    (expired ??= []).Add(call);
                }
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var call in expired)
        {
            call.TryFail(new TimeoutException($"{call.DisplayName} on grain {GrainId} did not complete within {timeout}."));
        }
    }

    /// <summary>Runs when a turn's task has completed, on the worker or on whichever thread completed it.</summary>
    public void OnTurnCompleted(GrainCall call, Task turn) => FinishTurn(call, turn, completeCaller: true);

    private void FinishTurn(GrainCall call, Task turn, bool completeCaller)
    {
        var now = _services.TimeProvider.GetTimestamp();
        bool schedule;
        lock (_lock)
        {
            StopRunningLocked(call);
            if (call.KeepsActivationAlive)
            {
                _lastActive = now;
            }

            if (turn.IsFaulted && turn.Exception.InnerException is InconsistentStateException inconsistent)
            {
                BeginDeactivationLocked(new DeactivationReason(DeactivationReasonCode.InconsistentState, inconsistent.Message));
            }
            else if (_deactivateWhenIdle && _runningCount == 0)
            {
                BeginDeactivationLocked(DeactivationReason.ApplicationRequested);
            }

            if (_runningCount == 0)
            {
                _drained?.TrySetResult();
            }

            schedule = TryClaimWorkerLocked();
        }

        if (completeCaller)
        {
            call.Complete(turn);
        }

        _services.Metrics.RecordCall(GrainId.Type, _services.TimeProvider.GetElapsedTime(call.EnqueuedAt, now));
        if (schedule)
        {
            ScheduleWorker();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        try
        {
            RunSlice();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void RunSlice()
    {
        for (var i = 0; i < ItemsPerSlice; i++)
        {
            (SendOrPostCallback Callback, object? State) workItem = default;
            GrainCall? request = null;
            lock (_lock)
            {
                if (!_workItems.TryDequeue(out workItem))
                {
                    request = DequeueStartableLocked();
                    if (request is null)
                    {
                        _scheduled = false;
                        return;
                    }

                    StartRunningLocked(request);
                }
            }

            if (request is null)
            {
                RunWorkItem(workItem.Callback, workItem.State);
            }
            else
            {
                StartTurn(request);
            }
        }

        // Still scheduled: go to the back of the thread pool's queue and continue there.
        ScheduleWorker();
    }

    private void RunWorkItem(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception exception)
        {
            Log.WorkItemFailed(_services.Logger, exception, GrainId);
        }
    }

    private void StartTurn(GrainCall call)
    {
        var previousContext = RequestContext.Current;
        var switchContext = !ReferenceEquals(previousContext, call.Context);
        if (switchContext)
        {
            RequestContext.Current = call.Context;
        }

        var turn = RunGrainCode(call);
        if (switchContext)
        {
            RequestContext.Current = previousContext;
        }

        if (turn.IsCompleted)
        {
            OnTurnCompleted(call, turn);
        }
        else
        {
            call.CompleteWhenDone(this, turn);
        }
    }

    private Task RunInline(GrainCall call)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        t_inlineDepth++;
        var turn = RunGrainCode(call);
        t_inlineDepth--;
        SynchronizationContext.SetSynchronizationContext(previous);

        // A synchronously successful turn goes straight back to the caller: no completion source, no allocation.
        // Anything else goes through the call's completion, which has the method's exact task type.
        Task result;
        if (turn.IsCompletedSuccessfully)
        {
            FinishTurn(call, turn, completeCaller: false);
            result = turn;
        }
        else
        {
            result = call.Task;
            if (turn.IsCompleted)
            {
                OnTurnCompleted(call, turn);
            }
            else
            {
                call.CompleteWhenDone(this, turn);
            }
        }

        bool schedule;
        lock (_lock)
        {
            schedule = HasRunnableWorkLocked();
            _scheduled = schedule;
        }

        if (schedule)
        {
            ScheduleWorker();
        }

        return result;
    }

    /// <summary>Starts the turn; a synchronous throw becomes a faulted turn like an asynchronous one.</summary>
    private Task RunGrainCode(GrainCall call)
    {
        try
        {
            return call.StartTurn(_grain!) ?? Task.FromException(new InvalidOperationException($"{call.DisplayName} on grain {GrainId} returned null instead of a Task."));
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    private void ScheduleWorker() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    private void EnqueueLocked(GrainCall call)
    {
        (call.AlwaysInterleave ? _interleavingRequests : _requests).Enqueue(call);
        if (_state == ActivationState.Created)
        {
            _state = ActivationState.Activating;
            _workItems.Enqueue((static state => _ = ((ActivationData)state!).ActivateAsync(), this));
        }
    }

    /// <summary>Makes the caller the worker if there is something to run and no worker yet.</summary>
    private bool TryClaimWorkerLocked()
    {
        if (_scheduled || !HasRunnableWorkLocked())
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    private bool HasRunnableWorkLocked()
        => _workItems.Count > 0
            || (_state == ActivationState.Valid
                && (_interleavingRequests.Count > 0 || (_requests.Count > 0 && (_runningBlockingCount == 0 || GrainClass.IsReentrant))));

    private bool MayStartLocked(GrainCall call) => call.AlwaysInterleave || _runningBlockingCount == 0 || GrainClass.IsReentrant;

    private GrainCall? DequeueStartableLocked()
    {
        if (_state != ActivationState.Valid)
        {
            return null;
        }

        if (_interleavingRequests.TryDequeue(out var call))
        {
            return call;
        }

        return _requests.Count > 0 && (_runningBlockingCount == 0 || GrainClass.IsReentrant) ? _requests.Dequeue() : null;
    }

    private void StartRunningLocked(GrainCall call)
    {
        _runningCount++;
        if (!call.AlwaysInterleave)
        {
            _runningBlockingCount++;
        }

        call.IsRunning = true;
        call.HasStarted = true;
        call.NextRunning = _runningHead;
        if (_runningHead is not null)
        {
            _runningHead.PreviousRunning = call;
        }

        _runningHead = call;
    }

    private void StopRunningLocked(GrainCall call)
    {
        if (!call.IsRunning)
        {
            return;
        }

        call.IsRunning = false;
        _runningCount--;
        if (!call.AlwaysInterleave)
        {
            _runningBlockingCount--;
        }

        if (call.PreviousRunning is null)
        {
            _runningHead = call.NextRunning;
        }
        else
        {
            call.PreviousRunning.NextRunning = call.NextRunning;
        }

        if (call.NextRunning is not null)
        {
            call.NextRunning.PreviousRunning = call.PreviousRunning;
        }

        call.PreviousRunning = call.NextRunning = null;
    }

    /// <summary>
    /// Takes expired calls out of a queue, keeping the rest in order. The whole queue is scanned: calls forwarded
    /// from a previous activation can be older than those ahead of them, and timer ticks never expire.
    /// </summary>
    private void ExpireQueuedLocked(Queue<GrainCall> queue, long now, TimeSpan timeout, ref List<GrainCall>? expired)
    {
        for (var remaining = queue.Count; remaining > 0; remaining--)
        {
            var call = queue.Dequeue();
            if (call.CanExpire && _services.TimeProvider.GetElapsedTime(call.EnqueuedAt, now) > timeout)
            {
                (expired ??= []).Add(call);
            }
            else
            {
                queue.Enqueue(call);
            }
        }
    }

    /// <summary>Queues the deactivation; the caller then claims the worker if nobody runs it.</summary>
    private void BeginDeactivationLocked(DeactivationReason reason)
    {
        switch (_state)
        {
            case ActivationState.Valid:
                _state = ActivationState.Deactivating;
                _deactivationReason = reason;
                _workItems.Enqueue((static state => _ = ((ActivationData)state!).DeactivateAsync(), this));
                break;
            case ActivationState.Activating:
                // ActivateAsync looks at this when it finishes.
                _deactivationReason ??= reason;
                break;
            case ActivationState.Created:
                _state = ActivationState.Invalid;
                _services.Catalog.OnDeactivated(this, []);
                _deactivated.TrySetResult();
                break;
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            (_grain, _states) = _services.Activator.CreateGrain(this);
            foreach (var state in _states)
            {
                await state.ReadStateAsync();
            }

            using (var timeout = new CancellationTokenSource(_services.Options.ActivationTimeout, _services.TimeProvider))
            {
                await _grain.OnActivateAsync(timeout.Token);
            }
        }
        catch (Exception exception)
        {
            Log.ActivationFailed(_services.Logger, exception, GrainId);
            List<GrainCall> pending;
            List<GrainTimer> timers;
            lock (_lock)
            {
                _state = ActivationState.Invalid;
                pending = DrainRequestsLocked();
                timers = [.. _timers];
                _timers.Clear();
            }

            timers.ForEach(timer => timer.Dispose());
            _services.Catalog.OnDeactivated(this, []);
            foreach (var call in pending)
            {
                call.TryFail(exception);
            }

            _deactivated.TrySetResult();
            return;
        }

        _services.Metrics.ActivationCreated(GrainId.Type);
        bool schedule;
        lock (_lock)
        {
            _state = ActivationState.Valid;
            _lastActive = _services.TimeProvider.GetTimestamp();
            if (_deactivationReason is { } requestedWhileActivating)
            {
                BeginDeactivationLocked(requestedWhileActivating);
            }

            schedule = TryClaimWorkerLocked();
        }

        if (schedule)
        {
            ScheduleWorker();
        }
    }

    private async Task DeactivateAsync()
    {
        var reason = _deactivationReason!;
        var options = _services.Options;
        var timeProvider = _services.TimeProvider;

        Task drained;
        lock (_lock)
        {
            drained = _runningCount == 0 ? Task.CompletedTask : (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        try
        {
            await drained.WaitAsync(options.DeactivationTimeout, timeProvider);
            await Task.WhenAll(_states.Select(s => s.WhenWritesSettled())).WaitAsync(options.DeactivationTimeout, timeProvider);
        }
        catch (TimeoutException)
        {
            Log.DeactivationTimedOut(_services.Logger, GrainId, options.DeactivationTimeout);
        }

        try
        {
            using var timeout = new CancellationTokenSource(options.DeactivationTimeout, timeProvider);
            await _grain!.OnDeactivateAsync(reason, timeout.Token);
            await Task.WhenAll(_states.Select(s => s.WhenWritesSettled())).WaitAsync(options.DeactivationTimeout, timeProvider);
        }
        catch (Exception exception)
        {
            Log.DeactivationFailed(_services.Logger, exception, GrainId);
        }

        List<GrainTimer> timers;
        List<GrainCall> pending;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            pending = DrainRequestsLocked();
            timers = [.. _timers];
            _timers.Clear();
        }

        timers.ForEach(timer => timer.Dispose());

        Log.Deactivated(_services.Logger, GrainId, reason.Code);
        _services.Metrics.ActivationRemoved(GrainId.Type);
        _services.Catalog.OnDeactivated(this, pending);
        _deactivated.TrySetResult();
    }

    private List<GrainCall> DrainRequestsLocked()
    {
        var pending = new List<GrainCall>(_interleavingRequests.Count + _requests.Count);
        pending.AddRange(_interleavingRequests);
        pending.AddRange(_requests);
        _interleavingRequests.Clear();
        _requests.Clear();
        return pending;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    void IGrainContext.DeactivateOnIdle()
    {
        bool schedule = false;
        lock (_lock)
        {
            if (_runningCount == 0)
            {
                BeginDeactivationLocked(DeactivationReason.ApplicationRequested);
                schedule = TryClaimWorkerLocked();
            }
            else
            {
                _deactivateWhenIdle = true;
            }
        }

        if (schedule)
        {
            ScheduleWorker();
        }
    }

    IGrainTimer IGrainContext.RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, _services.TimeProvider, _services.Logger);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it cannot register timers.");
            }

            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    Task<IGrainReminder> IGrainContext.RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        if (!GrainClass.IsRemindable)
        {
            throw new InvalidOperationException($"{GrainClass.GrainClass.Name} must implement IRemindable to register reminders.");
        }

        return _services.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period);
    }

    Task IGrainContext.UnregisterReminderAsync(IGrainReminder reminder) => _services.Reminders.UnregisterAsync(GrainId, reminder);

    Task<IGrainReminder?> IGrainContext.GetReminderAsync(string reminderName) => _services.Reminders.GetAsync(GrainId, reminderName);

    public override string ToString() => $"Activation {GrainId} ({_state})";

    private enum ActivationState
    {
        Created,
        Activating,
        Valid,
        Deactivating,
        Invalid,
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Activation of grain {GrainId} failed; its queued calls fail with the same error.")]
        public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

        [LoggerMessage(2, LogLevel.Warning, "Deactivation of grain {GrainId} did not finish its calls and writes within {Timeout}.")]
        public static partial void DeactivationTimedOut(ILogger logger, GrainId grainId, TimeSpan timeout);

        [LoggerMessage(3, LogLevel.Warning, "OnDeactivateAsync of grain {GrainId} failed.")]
        public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

        [LoggerMessage(4, LogLevel.Error, "A work item of grain {GrainId} threw.")]
        public static partial void WorkItemFailed(ILogger logger, Exception exception, GrainId grainId);

        [LoggerMessage(5, LogLevel.Debug, "Grain {GrainId} deactivated ({Reason}).")]
        public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReasonCode reason);
    }
}
