using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Runtime.Storage;

/// <summary>
/// Stores one grain state type in a shape of its own, such as typed tables that lists can query, writing only what
/// changed. Register it as a keyed service under a storage name (<see cref="GrainStorageNames.Default"/> unless the
/// grain names another); states without one are stored as JSON by that name's <see cref="IGrainStorage"/>.
/// </summary>
/// <remarks>
/// The same conditional rules as <see cref="IGrainStorage"/> apply: ETag and, when given, the fencing token. Writes
/// are called on the grain's activation while other calls may still mutate the state: a store must capture
/// everything it writes before its first await. A state that implements <see cref="System.ComponentModel.IChangeTracking"/>
/// (its changes since the last write, for delta writes) has <c>AcceptChanges</c> called once the store's write has
/// been started, whatever the store.
/// </remarks>
public interface IGrainStateStore<TState> where TState : class, new()
{
    Task<StoredState<TState>?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken);

    Task<long> WriteAsync(GrainStateKey key, int partition, TState state, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken);

    Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken);
}

public sealed record StoredState<TState>(TState State, long Etag);

/// <summary>The default way to store a state: as JSON, through a generic <see cref="IGrainStorage"/>.</summary>
internal sealed class JsonGrainStateStore<TState>(IGrainStorage storage, JsonSerializerOptions options) : IGrainStateStore<TState>
    where TState : class, new()
{
    private readonly JsonTypeInfo<TState> _typeInfo = (JsonTypeInfo<TState>)options.GetTypeInfo(typeof(TState));

    public async Task<StoredState<TState>?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken)
        => await storage.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } stored
            ? new StoredState<TState>(JsonSerializer.Deserialize(stored.Json, _typeInfo) ?? new TState(), stored.Etag)
            : null;

    // Not async: the state is serialized before anything is awaited.
    public Task<long> WriteAsync(GrainStateKey key, int partition, TState state, long? expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => storage.WriteAsync(key, partition, JsonSerializer.Serialize(state, _typeInfo), expectedEtag, fence, cancellationToken);

    public Task ClearAsync(GrainStateKey key, int partition, long expectedEtag, StorageFence? fence, CancellationToken cancellationToken)
        => storage.ClearAsync(key, partition, expectedEtag, fence, cancellationToken);
}
