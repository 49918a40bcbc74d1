using System.Diagnostics;

namespace Benchmarks;

/// <summary>Runs N concurrent callers for a fixed time and reports operations per second and latency percentiles.</summary>
public static class Measurement
{
    /// <param name="warmup">Untimed calls first (JIT, pools, activations); 1 s unless given.</param>
    /// <param name="onMeasuring">Called between the warm-up and the timed phase, when no call is in flight: where
    /// counters of the timed phase (storage writes) start.</param>
    public static async Task<Result> RunAsync(
        string name, int callers, TimeSpan duration, Func<int, Func<Task<bool>>> createCaller, TimeSpan? warmup = null, Action? onMeasuring = null)
    {
        var operations = Enumerable.Range(0, callers).Select(createCaller).ToArray();
        var (warmupConfirmed, _, _) = await RunPhaseAsync(operations, warmup ?? TimeSpan.FromSeconds(1), recordLatency: false);
        onMeasuring?.Invoke();
        var (confirmed, latencies, elapsed) = await RunPhaseAsync(operations, duration, recordLatency: true);
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
        };
    }

    private static async Task<(long Confirmed, List<double> Latencies, TimeSpan Elapsed)> RunPhaseAsync(Func<Task<bool>>[] operations, TimeSpan duration, bool recordLatency)
    {
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var workers = operations.Select(operation => Task.Run(async () =>
        {
            long confirmed = 0;
            var latencies = new List<double>(recordLatency ? 1 << 12 : 0);
            while (!stop.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                if (await operation())
                {
                    confirmed++;
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
    }
}
