namespace Runtime.Reminders;

/// <summary>
/// One durable reminder as stored: its schedule, the time of its next tick, and an ETag that changes whenever the
/// row changes (taken from a global sequence, so a deleted and re-created reminder never reuses one).
/// </summary>
public sealed record ReminderEntry(
    GrainId GrainId,
    string Name,
    int Partition,
    DateTimeOffset StartAt,
    TimeSpan Period,
    DateTimeOffset DueAt,
    long Etag)
{
    /// <summary>The first tick after <paramref name="now"/>: ticks missed while nobody served the grain collapse into the one just delivered.</summary>
    public DateTimeOffset NextDueAfter(DateTimeOffset now)
    {
        var next = DueAt + Period;
        if (next <= now)
        {
            var missed = (now - DueAt).Ticks / Period.Ticks;
            next = DueAt + (Period * (missed + 1));
        }

        return next;
    }
}
