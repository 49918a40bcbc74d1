using System.Diagnostics;
using OpenTelemetry;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// A span processor for a host's tracer provider that signals the spans a test waits for: a span may end after the
/// response its request produced has reached the test. Ask before the action (nothing ended earlier is kept: the
/// provider sees every test's spans in this process).
/// </summary>
public sealed class EndedSpans : BaseProcessor<Activity>
{
    private readonly Lock _lock = new();
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waiters = [];

    /// <summary>Completes with the first span ending from now on that satisfies <paramref name="match"/>.</summary>
    public Task<Activity> Next(Func<Activity, bool> match)
    {
        var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((match, found));
        }

        return found.Task;
    }

    public override void OnEnd(Activity data)
    {
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(data))
                {
                    _waiters[i].Found.TrySetResult(data);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
