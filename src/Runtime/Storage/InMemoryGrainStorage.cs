using System.Collections.Concurrent;

namespace Runtime.Storage;

/// <summary>
/// Grain state in process memory, with the same conditional-write rules as the durable providers. For development
/// and tests only: everything is lost when the process exits. One instance can outlive silos, so a test can
/// restart a silo and find its state. In-memory silos are standalone, so there are no leases to fence against.
/// </summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainStateKey, StoredGrainState> _records = new();

    /// <summary>The stored states of one grain type: how a development host answers list queries without a database.</summary>
    public IEnumerable<(GrainStateKey Key, StoredGrainState State)> Records(string grainType)
        => _records.Where(pair => pair.Key.GrainType == grainType).Select(pair => (pair.Key, pair.Value));

    public Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
        => Task.FromResult(_records.TryGetValue(key, out var record) ? record : null);

    public Task<long> WriteAsync(GrainStateKey key, int partition, string json, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
    {
        if (expectedEtag is null)
        {
            return _records.TryAdd(key, new StoredGrainState(json, 1))
                ? Task.FromResult(1L)
                : Task.FromException<long>(Conflict(key, expectedEtag));
        }

        var next = new StoredGrainState(json, expectedEtag.Value + 1);
        return _records.TryGetValue(key, out var current) && current.Etag == expectedEtag && _records.TryUpdate(key, next, current)
            ? Task.FromResult(next.Etag)
            : Task.FromException<long>(Conflict(key, expectedEtag));
    }

    public Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => _records.TryGetValue(key, out var current) && current.Etag == expectedEtag && _records.TryRemove(KeyValuePair.Create(key, current))
            ? Task.CompletedTask
            : Task.FromException(Conflict(key, expectedEtag));

    private InconsistentStateException Conflict(GrainStateKey key, long? expectedEtag)
        => StorageConflict.Create(key, expectedEtag, _records.TryGetValue(key, out var current) ? current.Etag : null);
}
