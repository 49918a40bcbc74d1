namespace Runtime;

/// <summary>
/// A grain's durable state, injected into the grain's constructor with <see cref="PersistentStateAttribute"/>.
/// It is read before <see cref="Grain.OnActivateAsync"/> runs.
/// </summary>
/// <remarks>
/// Writes are conditional on the ETag last read or written; a conflicting writer causes an
/// <see cref="InconsistentStateException"/>. Writes are group-committed: while one write is in flight, further
/// <see cref="WriteStateAsync"/> calls join the next write, and each completes only once a write that contains
/// its mutation has committed. Mutate the state and call <see cref="WriteStateAsync"/> with no await in between,
/// so that the mutation is part of the write the call waits for. If a write fails, every caller waiting on it
/// fails and the activation is replaced; the next call sees the committed state, never the failed mutation.
/// </remarks>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }

    /// <summary>The version of the stored record, or null when no record exists.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    Task WriteStateAsync();

    /// <summary>Deletes the stored record and resets <see cref="State"/> to a new instance.</summary>
    Task ClearStateAsync();
}
