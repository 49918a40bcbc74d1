namespace Runtime;

/// <summary>What the engine provides to one activation. Implemented by the runtime, never by grain code.</summary>
internal interface IGrainContext
{
    GrainId GrainId { get; }

    IGrainFactory GrainFactory { get; }

    void DeactivateOnIdle();

    IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period);

    Task<IGrainReminder> RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminderAsync(IGrainReminder reminder);

    Task<IGrainReminder?> GetReminderAsync(string reminderName);
}
