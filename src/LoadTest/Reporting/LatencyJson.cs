using System.Text.Json.Nodes;
using LoadTest.Measuring;

namespace LoadTest.Reporting;

/// <summary>A histogram's numbers as the results file keeps them (milliseconds, two decimals).</summary>
public static class LatencyJson
{
    public static JsonObject Of(LatencyHistogram latency)
    {
        ArgumentNullException.ThrowIfNull(latency);
        return new JsonObject
        {
            ["samples"] = latency.Count,
            ["p50_ms"] = Math.Round(latency.Percentile(0.50), 2),
            ["p90_ms"] = Math.Round(latency.Percentile(0.90), 2),
            ["p99_ms"] = Math.Round(latency.Percentile(0.99), 2),
            ["max_ms"] = Math.Round(latency.MaxMilliseconds, 2),
        };
    }
}
