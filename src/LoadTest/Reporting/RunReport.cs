using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoadTest.Arguments;
using LoadTest.Measuring;
using LoadTest.Running;
using LoadTest.Scenarios;

namespace LoadTest.Reporting;

/// <summary>
/// A finished run, judged: the scenario's checks plus the one every scenario shares (no unexpected answer: no 5xx,
/// no transport error, no 4xx the scenario does not provoke) and no fatal error.
/// </summary>
public sealed class RunReport
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    // A file for people and scripts, not a web page: '+' and '…' stay as they are.
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public RunReport(LoadTestArguments arguments, Scenario scenario, RunStats stats, RunOutcome outcome, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        Arguments = arguments;
        Scenario = scenario;
        Stats = stats;
        Outcome = outcome;
        Verdict = verdict;
        Unexpected = stats.Answers.Count(answer => AnswerKind.Of(answer, scenario) == AnswerKind.Unexpected);
        List<Check> checks = [new("no unexpected answer", Unexpected == 0, $"{Unexpected} answers that were neither a success nor a refusal {scenario.Name} provokes")];
        if (outcome.Fatal is { } fatal)
        {
            checks.Add(new("ran to its end", false, fatal.Message));
        }

        Checks = [.. checks, .. verdict.Checks];
    }

    public LoadTestArguments Arguments { get; }

    public Scenario Scenario { get; }

    public RunStats Stats { get; }

    public RunOutcome Outcome { get; }

    public Verdict Verdict { get; }

    public long Unexpected { get; }

    public IReadOnlyList<Check> Checks { get; }

    public bool Passed => Checks.All(check => check.Passed);

    public long Requests => Stats.Latency.Count;

    public long Ok => Stats.Answers.Count(answer => answer.IsSuccess);

    public double RequestsPerSecond => Requests / Math.Max(Outcome.Elapsed.TotalSeconds, 1e-9);

    /// <summary>The last line of the output, for people and scripts alike.</summary>
    public string SummaryLine()
    {
        var fields = string.Concat(Verdict.SummaryFields.Select(field => $" {field.Key}={field.Value}"));
        return string.Create(s_invariant,
            $"loadtest: scenario={Scenario.Name} requests={Requests} ok={Ok} rps={RequestsPerSecond:F1} p50_ms={Stats.Latency.Percentile(0.5):F2} p99_ms={Stats.Latency.Percentile(0.99):F2}")
            + fields + $" unexpected={Unexpected.ToString(s_invariant)} checks={(Passed ? "passed" : "failed")}";
    }

    public JsonObject ToJson(string loadAverageBefore, string loadAverageAfter) => new()
    {
        ["tool"] = "loadtest",
        ["scenario"] = Scenario.Name,
        ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O", s_invariant),
        ["mode"] = Arguments.Smoke ? "smoke (tiny counts)" : "full",
        ["target"] = Arguments.Target.ToString(),
        ["arguments"] = new JsonObject
        {
            ["requests"] = Arguments.Requests,
            ["duration_seconds"] = Arguments.Duration.TotalSeconds,
            ["concurrency"] = Arguments.Concurrency,
            ["buyers"] = Arguments.Buyers,
            ["product"] = Arguments.Product,
            ["stock"] = Arguments.Stock,
            ["buyer_limit"] = Arguments.BuyerLimit,
        },
        ["setup"] = Scenario.Setup,
        ["machine"] = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["os"] = Environment.OSVersion.ToString(),
            // The generator shares the machine with what it measures: the load says how much else was running.
            ["load_average_before"] = loadAverageBefore,
            ["load_average_after"] = loadAverageAfter,
        },
        ["elapsed_seconds"] = Math.Round(Outcome.Elapsed.TotalSeconds, 3),
        ["stopped_by"] = Outcome.StoppedBy,
        ["iterations"] = Stats.Iterations,
        ["requests"] = Requests,
        ["ok"] = Ok,
        ["unexpected"] = Unexpected,
        ["requests_per_second"] = Math.Round(RequestsPerSecond, 1),
        ["latency"] = LatencyJson.Of(Stats.Latency),
        ["answers"] = Answers(Stats.Answers),
        ["operations"] = new JsonArray([.. Stats.Operations.Select(operation => (JsonNode)new JsonObject
        {
            ["name"] = operation.Name,
            ["requests"] = operation.Latency.Count,
            ["latency"] = LatencyJson.Of(operation.Latency),
            ["answers"] = Answers(operation.Answers),
        })]),
        ["results"] = Verdict.Details,
        ["checks"] = new JsonArray([.. Checks.Select(check => (JsonNode)new JsonObject { ["name"] = check.Name, ["passed"] = check.Passed, ["detail"] = check.Detail })]),
        ["passed"] = Passed,
    };

    public async Task WriteJsonAsync(string path, string loadAverageBefore, string loadAverageAfter)
    {
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, ToJson(loadAverageBefore, loadAverageAfter).ToJsonString(s_json) + "\n");
    }

    /// <summary>Each answer with its count and how it counts: <c>{"409 out-of-stock": {"count": 90, "kind": "refused"}}</c>.</summary>
    private JsonObject Answers(AnswerCounts answers) => new(answers.Snapshot().Select(pair => KeyValuePair.Create(pair.Key.ToString(),
        (JsonNode?)new JsonObject { ["count"] = pair.Value, ["kind"] = AnswerKind.Of(pair.Key, Scenario) })));
}
