using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grains.Outbox;

namespace Grains.Persistence.Storage;

/// <summary>
/// A typed store in memory, for the embedded mode: the same ETag rules as the PostgreSQL stores, each state kept as
/// a JSON snapshot (so nobody shares the grain's live object), and every snapshot readable for lists. Outbox events a
/// write carries go to <paramref name="outbox"/> once the write has landed.
/// </summary>
public sealed class InMemoryStateStore<TState>(InMemoryOutbox? outbox = null) : IGrainStateStore<TState> where TState : class, new()
{
    private static readonly JsonSerializerOptions s_json = new() { IncludeFields = false, NumberHandling = JsonNumberHandling.Strict };

    private readonly ConcurrentDictionary<string, Snapshot> _states = new(StringComparer.Ordinal);

    /// <summary>Every stored state, deserialized: what a list scans.</summary>
    public IEnumerable<(string Key, TState State)> All()
        => _states.Select(pair => (pair.Key, JsonSerializer.Deserialize<TState>(pair.Value.Json, s_json) ?? new TState()));

    /// <summary>Deletes at most <paramref name="limit"/> states that <paramref name="expired"/> picks, whatever their ETag; answers how many.</summary>
    public int RemoveWhere(Func<TState, bool> expired, int limit)
    {
        ArgumentNullException.ThrowIfNull(expired);
        var removed = 0;
        foreach (var pair in _states)
        {
            if (removed == limit)
            {
                break;
            }

            if (expired(JsonSerializer.Deserialize<TState>(pair.Value.Json, s_json) ?? new TState()) && _states.TryRemove(pair))
            {
                removed++;
            }
        }

        return removed;
    }

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
        if (!written)
        {
            return Task.FromException<long>(Conflict(grainKey, expectedEtag));
        }

        if (state is IRaisesOutboxEvents raising)
        {
            outbox?.Write(raising.RaisedEvents);
        }

        return Task.FromResult(next.Etag);
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
