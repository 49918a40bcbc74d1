using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>
/// The load generator (src/LoadTest) as a process, in smoke mode, against the product as processes: each scenario
/// must exit 0, end with its summary line carrying exact outcomes, and write its JSON. A target off this machine is
/// refused before anything is sent.
/// </summary>
[Collection(OneAtATime.Name)]
public sealed partial class LoadTestSmokeTests(LoadTestTarget target) : IClassFixture<LoadTestTarget>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Flash_sale_sells_exactly_its_stock_to_its_buyers()
    {
        // Smoke: 60 attempts from 12 buyers at a product created with 6 units.
        var (summary, results) = await RunAsync("flash-sale", FlashSaleSummary());

        Assert.Equal(("60", "6", "6", "6"), (summary.Groups["requests"].Value, summary.Groups["ok"].Value, summary.Groups["orders"].Value, summary.Groups["stock"].Value));
        Assert.Equal((6, 0, 54), (results["orders"]!.GetValue<int>(), results["stock_after"]!.GetValue<int>(), results["out_of_stock_answers"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Browse_reads_the_catalogue()
    {
        var (summary, _) = await RunAsync("browse", BrowseSummary());

        Assert.Equal(("60", "60"), (summary.Groups["requests"].Value, summary.Groups["ok"].Value));
    }

    [Fact]
    public async Task Checkout_pays_every_order()
    {
        // Smoke: 60 checkouts on a product created with 60 units; four requests at least for each.
        var (summary, results) = await RunAsync("checkout", CheckoutSummary());

        Assert.Equal(("60", "0"), (summary.Groups["paid"].Value, summary.Groups["lost"].Value));
        Assert.Equal((60, 60, 0), (results["created"]!.GetValue<int>(), results["paid"]!.GetValue<int>(), results["stock_after"]!.GetValue<int>()));
        Assert.True(int.Parse(summary.Groups["requests"].Value, CultureInfo.InvariantCulture) >= 240, summary.Value);
    }

    [Fact]
    public async Task A_target_off_this_machine_is_refused_before_anything_is_sent()
    {
        // A name under .invalid, which never resolves: even a broken check could send nothing anywhere.
        var run = await LoadTestProcess.RunAsync(s_timeout, "--target", "http://load-test.invalid:8080", "--scenario", "browse", "--smoke");

        Assert.True(run.ExitCode == 2, run.Output());
        Assert.Contains("--target must be on this machine", run.Output(), StringComparison.Ordinal);
        Assert.Contains("nothing was sent", run.Output(), StringComparison.Ordinal);
    }

    private async Task<(Match Summary, JsonNode Results)> RunAsync(string scenario, Regex summaryLine)
    {
        var output = Path.Combine(target.LogDirectory, $"{scenario}.json");
        var run = await LoadTestProcess.RunAsync(s_timeout,
            "--target", target.FrontEnd.ToString(), "--scenario", scenario, "--smoke", "--signing-key", LoadTestTarget.SigningKey, "--out", output);

        Assert.True(run.ExitCode == 0, $"loadtest --scenario {scenario} --smoke exited with {run.ExitCode}; its output:\n{run.Output()}");
        var last = run.Lines.LastOrDefault(line => line.Length > 0) ?? "";
        var summary = summaryLine.Match(last);
        Assert.True(summary.Success, $"loadtest ended with '{last}', not its summary line; its output:\n{run.Output()}");

        var document = JsonNode.Parse(await File.ReadAllTextAsync(output))!;
        Assert.Equal((scenario, true), (document["scenario"]!.GetValue<string>(), document["passed"]!.GetValue<bool>()));
        Assert.StartsWith("smoke", document["mode"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, document["unexpected"]!.GetValue<int>());
        return (summary, document["results"]!);
    }

    private const string Common = @"^loadtest: scenario=(?<scenario>[a-z-]+) requests=(?<requests>\d+) ok=(?<ok>\d+) rps=\d+\.\d p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d";

    [GeneratedRegex(Common + @" orders=(?<orders>\d+) stock=(?<stock>\d+) oversold=0 unexpected=0 checks=passed$")]
    private static partial Regex FlashSaleSummary();

    [GeneratedRegex(Common + @" products=\d+ unexpected=0 checks=passed$")]
    private static partial Regex BrowseSummary();

    [GeneratedRegex(Common + @" paid=(?<paid>\d+) lost=(?<lost>\d+) paid_per_s=\d+\.\d paid_p99_ms=\d+\.\d unexpected=0 checks=passed$")]
    private static partial Regex CheckoutSummary();
}
