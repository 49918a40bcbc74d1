using System.ComponentModel;
using System.Globalization;
using Runtime.Activation;
using Runtime.Diagnostics;
using Runtime.Partitioning;

namespace Runtime.Storage;

/// <summary>
/// A grain's persistent state with group commit: at most one write is in flight; calls to
/// <see cref="WriteStateAsync"/> made meanwhile join one batch, written next with everything mutated so far.
/// </summary>
/// <remarks>
/// Everything here runs on the owning activation's context (grain code calls in; the write loop's awaits resume
/// there), so fields need no locks and <see cref="State"/> is serialized between turns, never during one. If a write
/// fails, its batch and the batch waiting behind it fail (their mutations are in the state that could not be
/// written), the state refuses further writes, and the activation is replaced; its successor reads what committed.
/// </remarks>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IGrainStateLifecycle where TState : class, new()
{
    private readonly ActivationData _activation;
    private readonly IGrainStateStore<TState> _store;
    private readonly GrainStateKey _key;
    private readonly int _partition;
    private readonly RuntimeMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly IPartitionOwnership _ownership;

    private TState _state = new();
    private long? _etag;
    private TaskCompletionSource? _nextBatch;
    private int _nextBatchCallers;
    private bool _nextBatchClears;
    private bool _writing;
    private TaskCompletionSource? _settled;
    private Exception? _failure;

    public PersistentState(
        ActivationData activation,
        IGrainStateStore<TState> store,
        GrainStateKey key,
        int partition,
        RuntimeMetrics metrics,
        TimeProvider timeProvider,
        IPartitionOwnership ownership)
    {
        _activation = activation;
        _store = store;
        _key = key;
        _partition = partition;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _ownership = ownership;
    }

    public TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string? Etag => _etag?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists => _etag is not null;

    public async Task ReadStateAsync()
    {
        ThrowIfFailed();
        await WhenWritesSettled();
        var stored = await _store.ReadAsync(_key, CancellationToken.None);
        _state = stored?.State ?? new TState();
        _etag = stored?.Etag;
    }

    public Task WriteStateAsync() => JoinNextBatch(clears: false);

    public Task ClearStateAsync()
    {
        _state = new TState();
        return JoinNextBatch(clears: true);
    }

    public Task WhenWritesSettled()
        => _writing ? (_settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;

    private Task JoinNextBatch(bool clears)
    {
        if (_failure is not null)
        {
            return Task.FromException(FailedStateException());
        }

        // Waiters resume through the activation's context anyway, so they need no asynchronous continuation here.
        _nextBatch ??= new TaskCompletionSource();
        _nextBatchCallers++;
        _nextBatchClears = clears;
        var joined = _nextBatch.Task;
        if (!_writing)
        {
            _writing = true;
            _ = WriteBatchesAsync();
        }

        return joined;
    }

    private async Task WriteBatchesAsync()
    {
        while (_nextBatch is { } batch)
        {
            var callers = _nextBatchCallers;
            var clears = _nextBatchClears;
            _nextBatch = null;
            _nextBatchCallers = 0;
            var started = _timeProvider.GetTimestamp();
            try
            {
                var fence = _ownership.FenceFor(_partition);
                if (clears)
                {
                    if (_etag is { } etag)
                    {
                        await _store.ClearAsync(_key, _partition, etag, fence, CancellationToken.None);
                    }

                    _etag = null;
                }
                else
                {
                    var written = _store.WriteAsync(_key, _partition, _state, _etag, fence, CancellationToken.None);

                    // The store has captured the state (stores do so before their first await): a state tracking
                    // its changes for delta writes starts its next delta now.
                    (_state as IChangeTracking)?.AcceptChanges();
                    _etag = await written;
                }
            }
            catch (Exception exception)
            {
                _metrics.RecordStorageWrite(_key.GrainType, _timeProvider.GetElapsedTime(started), callers, succeeded: false);
                _failure = exception;
                var waiting = _nextBatch;
                _nextBatch = null;
                _writing = false;
                batch.TrySetException(exception);
                waiting?.TrySetException(exception);
                SignalSettled();
                _activation.OnStateFailed(exception);
                return;
            }

            _metrics.RecordStorageWrite(_key.GrainType, _timeProvider.GetElapsedTime(started), callers, succeeded: true);
            batch.TrySetResult();
        }

        _writing = false;
        SignalSettled();
    }

    private void SignalSettled()
    {
        var settled = _settled;
        _settled = null;
        settled?.TrySetResult();
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw FailedStateException();
        }
    }

    private InvalidOperationException FailedStateException()
        => new($"State {_key} could not be written ({_failure!.Message}); this activation is being replaced and its in-memory state is no longer valid.", _failure);
}
