namespace Grains.Storage;

/// <summary>
/// Group commit for a reentrant grain's state: at most one write in flight; mutations made by interleaved turns while
/// it runs join the next write, which starts as soon as the current one commits; every caller is answered only once a
/// write that began after its mutation has committed. A hot grain thus turns many concurrent mutations into a few
/// writes, and a caller is never told "done" before its change is durable.
/// </summary>
/// <remarks>
/// Orleans 10's <see cref="IPersistentState{TState}"/> already queues writes and merges writes that have not started,
/// but a queued write still runs after its predecessor failed and makes durable the mutations whose callers were told
/// they failed. Here a failed write fails its batch and the batch waiting behind it, every later write is refused, and
/// the activation deactivates, so the next one starts from what is stored. Writes still pending flush on deactivation.
/// Not thread-safe by design: like the state, it is only touched from the grain's turns.
/// </remarks>
public sealed class GroupCommit<TState> : ILifecycleObserver
{
    private static readonly KeyValuePair<string, object?> s_stateTag = new("state", typeof(TState).Name);

    private readonly IPersistentState<TState> _state;
    private readonly IGrainContext _grain;
    private readonly GroupCommitMetrics? _metrics;
    private TaskCompletionSource? _next;

    /// <summary>Callers the write in flight answers, and callers waiting for the next one.</summary>
    private int _callers;
    private int _nextCallers;
    private Task _writer = Task.CompletedTask;
    private bool _writing;
    private Exception? _fault;

    public GroupCommit(IPersistentState<TState> state, IGrainContext grain)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(grain);
        _state = state;
        _grain = grain;

        // From the silo's services rather than a constructor argument, so grains keep constructing it as before; a
        // silo that does not register it (a benchmark's) just measures nothing.
        _metrics = grain.ActivationServices.GetService(typeof(GroupCommitMetrics)) as GroupCommitMetrics;
        grain.ObservableLifecycle.Subscribe($"{nameof(GroupCommit<TState>)}<{typeof(TState).Name}>", GrainLifecycleStage.SetupState, this);
    }

    public TState State => _state.State;

    /// <summary>Whether a write failed: the state in memory may hold changes that are not durable, and no write is taken.</summary>
    public bool IsFaulted => _fault is not null;

    /// <summary>Completes once a write holding every mutation made so far has committed.</summary>
    public Task WriteAsync()
    {
        if (_fault is { } fault)
        {
            return Task.FromException(new GroupCommitFailedException(_grain.GrainId, fault));
        }

        if (_writing)
        {
            _nextCallers++;
            return (_next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        _writing = true;
        _callers = 1;
        var batch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writer = WriteBatchesAsync(batch);
        return batch.Task;
    }

    Task ILifecycleObserver.OnStart(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>On deactivation: whatever is in flight or waiting is written before the activation goes.</summary>
    Task ILifecycleObserver.OnStop(CancellationToken cancellationToken) => _writer;

    private async Task WriteBatchesAsync(TaskCompletionSource batch)
    {
        for (TaskCompletionSource? current = batch; current is not null; current = TakeNext())
        {
            try
            {
                await _state.WriteStateAsync();
            }
            catch (Exception exception)
            {
                Fail(current, exception);
                return;
            }

            _metrics?.Committed(_callers, s_stateTag);
            current.SetResult();
        }

        _writing = false;
    }

    private TaskCompletionSource? TakeNext()
    {
        var next = _next;
        _next = null;
        _callers = _nextCallers;
        _nextCallers = 0;
        return next;
    }

    private void Fail(TaskCompletionSource batch, Exception exception)
    {
        _fault = exception;
        _writing = false;
        batch.SetException(exception);
        TakeNext()?.SetException(new GroupCommitFailedException(_grain.GrainId, exception));
        _grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, exception, "A group-committed state write failed."));
    }
}

/// <summary>A write was refused because an earlier write of the same activation failed; the next activation will take it.</summary>
[GenerateSerializer, Alias("commerce.GroupCommitFailedException")]
public sealed class GroupCommitFailedException : Exception
{
    public GroupCommitFailedException()
    {
    }

    public GroupCommitFailedException(string message)
        : base(message)
    {
    }

    public GroupCommitFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GroupCommitFailedException(GrainId grain, Exception cause)
        : base($"A state write of {grain} failed, so this change was not made durable; retry it.", cause)
    {
    }
}
