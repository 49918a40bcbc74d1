using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grains.Persistence.Storage;

/// <summary>
/// A typed store in memory, for the embedded mode: the same ETag rules as the PostgreSQL stores, each state kept as
/// a JSON snapshot (so nobody shares the grain's live object), and every snapshot readable for lists.
/// </summary>
public sealed class InMemoryStateStore<TState> : IGrainStateStore<TState> where TState : class, new()
{
    private static readonly JsonSerializerOptions s_json = new() { IncludeFields = false, NumberHandling = JsonNumberHandling.Strict };

    private readonly ConcurrentDictionary<string, Snapshot> _states = new(StringComparer.Ordinal);

    /// <summary>Every stored state, deserialized: what a list scans.</summary>
    public IEnumerable<(string Key, TState State)> All()
        => _states.Select(pair => (pair.Key, JsonSerializer.Deserialize<TState>(pair.Value.Json, s_json) ?? new TState()));

    public Task<StoredState<TState>?> ReadAsync(string grainKey, CancellationToken cancellationToken)
        => Task.FromResult(_states.TryGetValue(grainKey, out var stored)
            ? new StoredState<TState>(JsonSerializer.Deserialize<TState>(stored.Json, s_json) ?? new TState(), stored.Etag)
            : null);

    public Task<long> WriteAsync(string grainKey, TState state, long? expectedEtag, CancellationToken cancellationToken)
    {
        var next = new Snapshot(JsonSerializer.Serialize(state, s_json), (expectedEtag ?? 0) + 1);
        var written = expectedEtag is null
            ? _states.TryAdd(grainKey, next)
            : _states.TryGetValue(grainKey, out var current) && current.Etag == expectedEtag && _states.TryUpdate(grainKey, next, current);
        return written ? Task.FromResult(next.Etag) : Task.FromException<long>(Conflict(grainKey, expectedEtag));
    }

    public Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken)
        => _states.TryGetValue(grainKey, out var current) && current.Etag == expectedEtag && _states.TryRemove(new KeyValuePair<string, Snapshot>(grainKey, current))
            ? Task.CompletedTask
            : Task.FromException(Conflict(grainKey, expectedEtag));

    private InconsistentStateException Conflict(string grainKey, long? expectedEtag)
        => new($"The {typeof(TState).Name} of '{grainKey}' changed since it was read (expected ETag {expectedEtag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).",
            _states.TryGetValue(grainKey, out var current) ? current.Etag.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none",
            expectedEtag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");

    private sealed record Snapshot(string Json, long Etag);
}
