using Commerce.Testing;
using WebFrontend.Features.CustomerDashboard;

namespace WebFrontend.Tests.CustomerDashboard;

/// <summary>A real source behind a gate: it reports that it started, then waits for <paramref name="gate"/> before fetching.</summary>
public sealed class GatedSource(IDashboardSource inner, Action started, Task gate) : IDashboardSource
{
    public string Name => inner.Name;

    public bool IsCritical => inner.IsCritical;

    public object? Fallback => inner.Fallback;

    public async Task<object?> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        started();
        await gate.WaitAsync(cancellationToken);
        return await inner.FetchAsync(caller, cancellationToken);
    }
}

/// <summary>
/// A source that reports it started and then answers only once <paramref name="release"/> completes (never, when not
/// given: it is held until the fan-out cancels it), or fails, as told: once <paramref name="failAfter"/> completes if
/// given, so another source is surely running then.
/// </summary>
public sealed class ScriptedSource(IDashboardSource inner, Task? release = null, bool fails = false, Func<Task>? failAfter = null)
    : IDashboardSource
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    public bool IsCritical => inner.IsCritical;

    public object? Fallback => inner.Fallback;

    public Task Started => _started.Task;

    /// <summary>Completes when the fan-out cancelled this source's token while it waited.</summary>
    public Task Cancelled => _cancelled.Task;

    public async Task<object?> FetchAsync(DashboardCaller caller, CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        if (fails)
        {
            if (failAfter is not null)
            {
                await failAfter().WaitAsync(cancellationToken);
            }

            throw new InvalidOperationException($"The {Name} source is down (test).");
        }

        try
        {
            await (release ?? ClockSignals.Never).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _cancelled.TrySetResult();
            throw;
        }

        return await inner.FetchAsync(caller, cancellationToken);
    }
}
