namespace Runtime;

/// <summary>
/// A timer that lives and dies with its activation. Ticks run as turns of the grain, so they never overlap other
/// calls on a non-reentrant grain, and a tick is skipped while the previous one still runs. Ticks do not keep the
/// activation alive: an otherwise idle grain is still collected.
/// </summary>
public interface IGrainTimer : IDisposable
{
    void Change(TimeSpan dueTime, TimeSpan period);
}
