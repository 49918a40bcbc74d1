using System.Collections.Concurrent;

namespace LoadTest.Measuring;

/// <summary>
/// Everything a run measured: each request under its operation and in the totals, and the iterations (purchase
/// attempts, reads, checkouts) finished. Written by every worker, read live by the progress display.
/// </summary>
public sealed class RunStats
{
    private readonly ConcurrentDictionary<string, OperationStats> _operations = new(StringComparer.Ordinal);
    private long _iterations;

    public LatencyHistogram Latency { get; } = new();

    public AnswerCounts Answers { get; } = new();

    public long Iterations => Interlocked.Read(ref _iterations);

    public IReadOnlyList<OperationStats> Operations => [.. _operations.Values.OrderBy(o => o.Name, StringComparer.Ordinal)];

    public void Record(string operation, TimeSpan elapsed, Answer answer)
    {
        var stats = _operations.GetOrAdd(operation, static name => new OperationStats(name));
        stats.Latency.Record(elapsed);
        stats.Answers.Add(answer);
        Latency.Record(elapsed);
        Answers.Add(answer);
    }

    public void IterationDone() => Interlocked.Increment(ref _iterations);
}
