using System.Diagnostics;

namespace Benchmarks;

/// <summary>
/// Runs N concurrent callers for a fixed time and reports operations per second and latency percentiles. A call that
/// throws is counted as an error (with the first one kept) and its caller goes on, so one failed call shows in the
/// results instead of ending the whole benchmark.
/// </summary>
public static class Measurement
{
    /// <param name="warmup">Untimed calls first (JIT, pools, activations); 1 s unless given.</param>
    /// <param name="onMeasuring">Called between the warm-up and the timed phase, when no call is in flight: where
    /// counters of the timed phase (storage writes) start.</param>
    public static async Task<Result> RunAsync(
        string name, int callers, TimeSpan duration, Func<int, Func<Task<bool>>> createCaller, TimeSpan? warmup = null, Action? onMeasuring = null)
    {
        var operations = Enumerable.Range(0, callers).Select(createCaller).ToArray();
        var errors = new Errors();
        var (warmupConfirmed, _, _) = await RunPhaseAsync(operations, warmup ?? TimeSpan.FromSeconds(1), recordLatency: false, errors);
        onMeasuring?.Invoke();
        var (confirmed, latencies, elapsed) = await RunPhaseAsync(operations, duration, recordLatency: true, errors);
        latencies.Sort();
        return new Result(
            name,
            callers,
            confirmed,
            Math.Round(confirmed / elapsed.TotalSeconds),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99))
        {
            WarmupOperations = warmupConfirmed,
            Errors = errors.Count,
            FirstError = errors.First,
        };
    }

    private static async Task<(long Confirmed, List<double> Latencies, TimeSpan Elapsed)> RunPhaseAsync(
        Func<Task<bool>>[] operations, TimeSpan duration, bool recordLatency, Errors errors)
    {
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var workers = operations.Select(operation => Task.Run(async () =>
        {
            long confirmed = 0;
            var latencies = new List<double>(recordLatency ? 1 << 12 : 0);
            while (!stop.IsCancellationRequested)
            {
                // Each call starts from the thread pool's global queue, as an independent request would. Without it,
                // Orleans completes a local call's response inline and this loop sends its next call from inside the
                // silo's work item: with many callers on two cores the pool's threads ran such loops for tens of seconds
                // while other grains' turns waited in their queues, and calls timed out (thread pool starvation).
                await Task.Yield();
                var before = Stopwatch.GetTimestamp();
                try
                {
                    if (await operation())
                    {
                        confirmed++;
                    }
                }
                catch (Exception exception)
                {
                    errors.Add(exception);
                }

                if (recordLatency && (latencies.Count < 200_000))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(before).TotalMilliseconds);
                }
            }

            return (confirmed, latencies);
        })).ToArray();
        stop.CancelAfter(duration);
        var results = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (results.Sum(r => r.confirmed), results.SelectMany(r => r.latencies).ToList(), elapsed);
    }

    private static double Percentile(List<double> sorted, double percentile)
        => sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)(percentile * sorted.Count))], 4);

    /// <summary>One scenario at one caller count; <see cref="Operations"/> counts the timed phase only.</summary>
    public sealed record Result(string Scenario, int Callers, long Operations, double OpsPerSecond, double P50Ms, double P99Ms)
    {
        /// <summary>Operations confirmed during the warm-up: with <see cref="Operations"/>, everything the scenario confirmed.</summary>
        public long WarmupOperations { get; init; }

        /// <summary>Calls that threw, warm-up included.</summary>
        public long Errors { get; init; }

        public string? FirstError { get; init; }
    }

    private sealed class Errors
    {
        private long _count;
        private string? _first;

        public long Count => Interlocked.Read(ref _count);

        public string? First => Volatile.Read(ref _first);

        public void Add(Exception exception)
        {
            Interlocked.Increment(ref _count);
            Interlocked.CompareExchange(ref _first, $"{exception.GetType().Name}: {exception.Message}", null);
        }
    }
}
