namespace LoadTest.Measuring;

/// <summary>The latencies and answers of one kind of request (<c>POST /orders</c>, <c>GET pay_url</c>, …).</summary>
public sealed class OperationStats(string name)
{
    public string Name { get; } = name;

    public LatencyHistogram Latency { get; } = new();

    public AnswerCounts Answers { get; } = new();
}
