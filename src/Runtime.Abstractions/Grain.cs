namespace Runtime;

/// <summary>
/// Base class of grain implementations. The runtime constructs a grain when its first call arrives, runs one call
/// at a time on it (or interleaves at awaits when the class is <see cref="ReentrantAttribute">[Reentrant]</see>), and
/// deactivates it after it has been idle for a while.
/// </summary>
/// <remarks>
/// Constructor parameters are resolved from the silo's services, except those marked
/// <see cref="PersistentStateAttribute"/>. The members below are usable from <see cref="OnActivateAsync"/> on, not
/// in the constructor.
/// </remarks>
public abstract class Grain
{
    private IGrainContext? _context;

    internal IGrainContext Context
    {
        get => _context ?? throw new InvalidOperationException("The grain is not activated yet; runtime members are available from OnActivateAsync on, not in the constructor.");
        set => _context = value;
    }

    public GrainId GrainId => Context.GrainId;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    public string GetPrimaryKeyString() => Context.GrainId.Key;

    /// <summary>Runs after persistent state has been read and before the first call is delivered.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after the last call has finished and pending state writes have been flushed.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the calls now running have finished.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
        => Context.RegisterTimer(callback, dueTime, period);

    /// <summary>Registers a durable reminder, or replaces the schedule of an existing one with the same name.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
        => Context.RegisterOrUpdateReminderAsync(reminderName, dueTime, period);

    protected Task UnregisterReminder(IGrainReminder reminder) => Context.UnregisterReminderAsync(reminder);

    protected Task<IGrainReminder?> GetReminder(string reminderName) => Context.GetReminderAsync(reminderName);
}
