namespace Grains.Persistence.Storage;

/// <summary>
/// Where one state type lives: its own tables (PostgreSQL) or memory. Every write is conditional on the ETag it
/// expects and throws <see cref="InconsistentStateException"/> when the stored one differs.
/// </summary>
public interface IGrainStateStore<TState>
{
    /// <summary>The stored state and its ETag; null when none is stored.</summary>
    Task<StoredState<TState>?> ReadAsync(string grainKey, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="state"/> if the stored ETag is <paramref name="expectedEtag"/> (null: nothing stored yet)
    /// and answers the new ETag. Everything written is taken from the state before this method returns its task, so the
    /// caller may clear the state's deltas as soon as it has the task.
    /// </summary>
    Task<long> WriteAsync(string grainKey, TState state, long? expectedEtag, CancellationToken cancellationToken);

    /// <summary>Deletes the stored state if its ETag is <paramref name="expectedEtag"/>.</summary>
    Task ClearAsync(string grainKey, long expectedEtag, CancellationToken cancellationToken);
}

public sealed record StoredState<TState>(TState State, long Etag);
