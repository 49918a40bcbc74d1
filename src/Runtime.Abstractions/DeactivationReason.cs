namespace Runtime;

/// <summary>Why an activation is going away, passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public sealed record DeactivationReason(DeactivationReasonCode Code, string Description)
{
    public static DeactivationReason IdleCollection { get; } = new(DeactivationReasonCode.IdleCollection, "The activation was idle longer than its collection age limit.");

    public static DeactivationReason ApplicationRequested { get; } = new(DeactivationReasonCode.ApplicationRequested, "The grain asked to be deactivated.");

    public static DeactivationReason ShuttingDown { get; } = new(DeactivationReasonCode.ShuttingDown, "The silo is shutting down.");
}

public enum DeactivationReasonCode
{
    ApplicationRequested,
    IdleCollection,
    ShuttingDown,
    InconsistentState,
    StorageFailure,
    ActivationFailed,
    PartitionMoved,
}
