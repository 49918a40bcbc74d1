using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Benchmarks.Tests;

/// <summary>
/// Every benchmark's --smoke mode: seconds and tiny data through the benchmark's own code path (its processes, its
/// PostgreSQL, its checks of lost, oversold, durable and falsely dead), which must exit 0 and end with the benchmark's
/// summary line. One collection with the load generator's smoke tests, so they run one after another and do not compete
/// for the machine's two cores.
/// </summary>
[Collection(OneAtATime.Name)]
public sealed partial class SmokeTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public Task HotGrain() => RunSmokeAsync("hot-grain", HotGrainSummary());

    [Fact]
    public Task ClusterChaos() => RunSmokeAsync("cluster-chaos", ClusterChaosSummary());

    [Fact]
    public Task ClusterScale() => RunSmokeAsync("cluster-scale", ClusterScaleSummary());

    [Fact]
    public Task ListDepth() => RunSmokeAsync("list-depth", ListDepthSummary());

    [Fact]
    public Task Checkout() => RunSmokeAsync("checkout", CheckoutSummary());

    [Fact]
    public Task FlashSale() => RunSmokeAsync("flash-sale", FlashSaleSummary());

    [Fact]
    public Task Outbox() => RunSmokeAsync("outbox", OutboxSummary());

    [Fact]
    public Task Export() => RunSmokeAsync("export", ExportSummary());

    [Fact]
    public Task Upload() => RunSmokeAsync("upload", UploadSummary());

    private static async Task RunSmokeAsync(string benchmark, Regex summary)
    {
        var run = await BenchmarkProcess.RunAsync(benchmark, s_timeout, "--smoke");
        try
        {
            Assert.True(run.ExitCode == 0, $"{benchmark} --smoke exited with {run.ExitCode} after {run.Elapsed.TotalSeconds:0} s; its output:\n{run.Output()}");
            var last = run.Lines.LastOrDefault(line => line.Length > 0) ?? "";
            Assert.True(summary.IsMatch(last), $"{benchmark} --smoke ended with '{last}', not its summary line; its output:\n{run.Output()}");

            var results = Path.Combine(run.ResultsDirectory, $"{benchmark}.json");
            Assert.True(File.Exists(results), $"{benchmark} --smoke wrote no {results}");
            var document = JsonNode.Parse(await File.ReadAllTextAsync(results))!;
            Assert.Equal(benchmark, document["benchmark"]!.GetValue<string>());
            Assert.StartsWith("smoke", document["mode"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(run.ResultsDirectory))
            {
                Directory.Delete(run.ResultsDirectory, recursive: true);
            }
        }
    }

    [GeneratedRegex(@"^hot-grain: ratio_vs_atomic_update=\d+(\.\d+)? at 64 callers$")]
    private static partial Regex HotGrainSummary();

    [GeneratedRegex(@"^cluster-chaos: lost=0 oversold=0 takeover_s=\d+(\.\d+)?$")]
    private static partial Regex ClusterChaosSummary();

    [GeneratedRegex(@"^cluster-scale: local_p50_ms=\S+ remote_p50_ms=\S+ remote_p99_ms=\S+ client_calls_per_s=1:\d+,2:\d+,3:\d+$")]
    private static partial Regex ClusterScaleSummary();

    [GeneratedRegex(@"^list-depth: ratio_deep_vs_first=\d+\.\d\d$")]
    private static partial Regex ListDepthSummary();

    [GeneratedRegex(@"^checkout: created_per_s=\d+\.\d create_p99_ms=\d+\.\d paid_per_s=\d+\.\d p99_ms=\d+\.\d lost=0$")]
    private static partial Regex CheckoutSummary();

    [GeneratedRegex(@"^flash-sale: oversold=0 orders=50 attempts_per_s=\d+\.\d confirmed_per_s=\d+\.\d p99_ms=\d+\.\d writes_per_order=\d+\.\d\d$")]
    private static partial Regex FlashSaleSummary();

    [GeneratedRegex(@"^outbox: delivered=24 lost=0 duplicates_acted=0 events_per_s=\d+\.\d lag_p99_ms=\d+\.\d$")]
    private static partial Regex OutboxSummary();

    [GeneratedRegex(@"^export: rows=130000 rows_per_s=\d+\.\d peak_rss_mb=\d+\.\d resumed=true exact=true$")]
    private static partial Regex ExportSummary();

    [GeneratedRegex(@"^upload: bytes=33554432 mb_per_s=\d+\.\d peak_rss_delta_mb=-?\d+\.\d$")]
    private static partial Regex UploadSummary();
}
