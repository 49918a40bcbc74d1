using Runtime.Storage;

namespace Runtime.Tests.Infrastructure;

/// <summary>
/// Wraps a real storage and lets a test hold the next write in flight (to build up a batch behind it) and make a
/// write fail as a database outage would, without committing anything.
/// </summary>
public sealed class FaultInjectingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _release;
    private bool _holdNextWrite;
    private TaskCompletionSource? _writeHeld;
    private Exception? _failNextWrite;

    public int Writes { get; private set; }

    /// <summary>The next write waits until <see cref="Release"/>; the returned task completes once it is waiting.</summary>
    public Task HoldNextWrite()
    {
        lock (_lock)
        {
            _holdNextWrite = true;
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writeHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _writeHeld.Task;
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _release?.TrySetResult();
        }
    }

    public void FailNextWrite(Exception exception)
    {
        lock (_lock)
        {
            _failNextWrite = exception;
        }
    }

    public Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);

    public async Task<long> WriteAsync(GrainStateKey key, int partition, string json, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        Task? hold = null;
        Exception? failure;
        lock (_lock)
        {
            Writes++;
            if (_holdNextWrite)
            {
                hold = _release!.Task;
                _holdNextWrite = false;
                _writeHeld!.TrySetResult();
            }

            failure = _failNextWrite;
            _failNextWrite = null;
        }

        if (hold is not null)
        {
            await hold;
        }

        return failure is null ? await inner.WriteAsync(key, partition, json, expectedEtag, fence, cancellationToken) : throw failure;
    }

    public Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => inner.ClearAsync(key, partition, expectedEtag, fence, cancellationToken);
}
