namespace Runtime.Storage;

/// <summary>
/// Where grain state lives. Every write and clear is conditional on the ETag the caller last saw, so two
/// activations of one grain (possible for a moment during a partition hand-off) can never both win.
/// </summary>
public interface IGrainStorage
{
    Task<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="json"/> if the stored ETag equals <paramref name="expectedEtag"/> (null: no record may
    /// exist) and, when a <paramref name="fence"/> is given, the writer still holds the partition's lease at that
    /// epoch; returns the new ETag. Otherwise throws <see cref="InconsistentStateException"/>.
    /// </summary>
    Task<long> WriteAsync(GrainStateKey key, int partition, string json, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken);

    /// <summary>Deletes the record under the same conditions as <see cref="WriteAsync"/>.</summary>
    Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken);
}

/// <summary>
/// A fencing token: the writer's silo and the epoch of its lease on the grain's partition. A write carrying it is
/// refused once the partition has been claimed by anyone else (or claimed again), however slow or paused the writer.
/// </summary>
public sealed record StorageFence(string SiloId, long Epoch);

/// <summary>Identifies one persistent state: a grain can have several, each with its own name.</summary>
public readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    public override string ToString() => $"{GrainType}/{GrainKey}#{StateName}";
}

/// <summary>A stored state as JSON text, with its ETag.</summary>
public sealed record StoredGrainState(string Json, long Etag);

/// <summary>Names of grain storage providers, registered as keyed <see cref="IGrainStorage"/> services.</summary>
public static class GrainStorageNames
{
    public const string Default = "Default";
}
