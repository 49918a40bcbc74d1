namespace Runtime;

/// <summary>Implemented by grains that register reminders.</summary>
/// <remarks>
/// Reminders are durable and delivered at least once: a tick can repeat after a crash, so what a reminder drives
/// must be idempotent. A tick missed while no silo ran is delivered once when the grain's partition is served again.
/// </remarks>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>The schedule of one reminder tick.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A handle to a registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
}
