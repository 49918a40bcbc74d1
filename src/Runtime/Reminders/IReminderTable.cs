namespace Runtime.Reminders;

/// <summary>Durable storage of reminders.</summary>
public interface IReminderTable
{
    /// <summary>Creates the reminder or replaces its schedule; returns its new ETag.</summary>
    Task<long> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    Task<ReminderEntry?> ReadAsync(GrainId grainId, string name, CancellationToken cancellationToken);

    /// <summary>Reminders due at or before <paramref name="dueBefore"/>, in the given partitions (null: all).</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset dueBefore, IReadOnlyCollection<int>? partitions, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a reminder to its next tick if it is still the version that was fired; returns the new ETag, or null
    /// when the reminder was changed or removed meanwhile (the change wins).
    /// </summary>
    Task<long?> AdvanceAsync(GrainId grainId, string name, long expectedEtag, DateTimeOffset nextDue, CancellationToken cancellationToken);
}
