using System.Collections.Concurrent;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

/// <summary>Concurrent workers calling grains until stopped, keeping every failure for the test to report.</summary>
public sealed class CallLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly AwaitableCounter _succeeded = new();

    private CallLoad(int workers, Func<int, long, Task> call)
    {
        _workers = [.. Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (long iteration = 0; !_stop.IsCancellationRequested; iteration++)
            {
                try
                {
                    await call(worker, iteration);
                    _succeeded.Add(1);
                }
                catch (Exception exception)
                {
                    Failures.Add(exception);
                }
            }
        }))];
    }

    public ConcurrentBag<Exception> Failures { get; } = [];

    public long Succeeded => _succeeded.Value;

    /// <summary>Starts <paramref name="workers"/> loops, each calling <paramref name="call"/>(worker, iteration) back to back.</summary>
    public static CallLoad Start(int workers, Func<int, long, Task> call) => new(workers, call);

    /// <summary>Completes once the workers have made at least <paramref name="calls"/> more successful calls.</summary>
    public Task AdvanceAsync(long calls) => _succeeded.WhenAtLeast(Succeeded + calls);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
