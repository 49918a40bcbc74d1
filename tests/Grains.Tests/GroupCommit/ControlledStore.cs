using Grains.Persistence.Storage;

namespace Grains.Tests.GroupCommit;

/// <summary>
/// The in-memory typed store behind the commerce storage provider, with a hand on its writes: count them, hold the next
/// one until released, make the next one fail, or move the stored ETag as another writer would.
/// </summary>
public sealed class ControlledStore : IGrainStateStore<CounterState>
{
    private readonly InMemoryStateStore<CounterState> _store = new();
    private TaskCompletionSource? _gate;
    private TaskCompletionSource? _held;
    private Exception? _nextFailure;
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Values captured by each write, in order: what each batch made durable.</summary>
    public List<long> WrittenValues { get; } = [];

    /// <summary>The next write waits (having captured its state) until <see cref="Release"/>.</summary>
    public void HoldNextWrite() => _gate = _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(Exception? failure = null)
    {
        _nextFailure = failure;
        _held!.TrySetResult();
    }

    public async Task<long> StoredValueAsync(string key) => (await _store.ReadAsync(key, CancellationToken.None))?.State.Value ?? 0;

    /// <summary>Another writer's write: the stored ETag moves on, the grain's becomes stale.</summary>
    public async Task WriteBehindTheGrainsBackAsync(string key)
    {
        var stored = (await _store.ReadAsync(key, CancellationToken.None))!;
        await _store.WriteAsync(key, stored.State, stored.Etag, CancellationToken.None);
    }

    public Task<StoredState<CounterState>?> ReadAsync(string grainKey, CancellationToken cancellationToken) => _store.ReadAsync(grainKey, cancellationToken);

    public Task<long> WriteAsync(string grainKey, CounterState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        lock (WrittenValues)
        {
            WrittenValues.Add(state.Value);
        }

        var gate = _gate;
        _gate = null;
        if (gate is null)
        {
            return _store.WriteAsync(grainKey, state, expectedEtag, cancellationToken);
        }

        // Captured now, as the real stores do; stored (or failed) once released.
        var snapshot = new CounterState { Value = state.Value };
        return WriteWhenReleasedAsync(gate, grainKey, snapshot, expectedEtag, cancellationToken);
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken) => _store.ClearAsync(grainKey, expectedEtag, cancellationToken);

    private async Task<long> WriteWhenReleasedAsync(TaskCompletionSource gate, string grainKey, CounterState snapshot, long? expectedEtag, CancellationToken cancellationToken)
    {
        await gate.Task;
        if (Interlocked.Exchange(ref _nextFailure, null) is { } failure)
        {
            throw failure;
        }

        return await _store.WriteAsync(grainKey, snapshot, expectedEtag, cancellationToken);
    }
}
