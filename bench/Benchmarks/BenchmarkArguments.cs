using System.Globalization;

namespace Benchmarks;

/// <summary>
/// Options shared by every benchmark: <c>--seconds N</c> per scenario, <c>--results DIR</c>, <c>--callers 1,64</c>;
/// checkout's <c>--customers N</c>, <c>--concurrency N</c> and <c>--frontends 1|2</c> (null: the scenario's default);
/// <c>--smoke</c>: seconds and tiny data through the same code path, invariants still checked, performance targets
/// reported but not enforced, results in a temporary folder unless <c>--results</c> says otherwise.
/// </summary>
public sealed record BenchmarkArguments(TimeSpan Duration, string ResultsDirectory, IReadOnlyList<int>? Callers)
{
    public int? Customers { get; init; }

    public int? Concurrency { get; init; }

    public int? Frontends { get; init; }

    public bool Smoke { get; init; }

    /// <summary>Whether <c>--seconds</c> was given (smoke modes pick their own short durations otherwise).</summary>
    public bool DurationGiven { get; init; }

    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var duration = TimeSpan.FromSeconds(5);
        var durationGiven = false;
        string? results = null;
        IReadOnlyList<int>? callers = null;
        int? customers = null, concurrency = null, frontends = null;
        var smoke = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Count && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    duration = TimeSpan.FromSeconds(seconds);
                    durationGiven = true;
                    i++;
                    break;
                case "--results" when i + 1 < args.Count:
                    results = args[++i];
                    break;
                case "--callers" when i + 1 < args.Count:
                    callers = args[++i].Split(',').Select(c => int.TryParse(c, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--callers takes positive integers, not '{c}'.")).ToList();
                    break;
                case "--customers" when i + 1 < args.Count:
                    customers = Positive(args[i], args[++i]);
                    break;
                case "--concurrency" when i + 1 < args.Count:
                    concurrency = Positive(args[i], args[++i]);
                    break;
                case "--frontends" when i + 1 < args.Count:
                    frontends = Positive(args[i], args[++i]);
                    break;
                case "--smoke":
                    smoke = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[i]}'. Options: --smoke, --seconds N, --results DIR, --callers N[,N…], "
                        + "--customers N, --concurrency N, --frontends N.");
            }
        }

        // A smoke run must never overwrite the recorded results.
        results ??= smoke ? Path.Combine(Path.GetTempPath(), $"bench-smoke-{Environment.ProcessId}") : Path.Combine("bench", "results");
        return new BenchmarkArguments(duration, results, callers)
        {
            Customers = customers, Concurrency = concurrency, Frontends = frontends, Smoke = smoke, DurationGiven = durationGiven,
        };
    }

    private static int Positive(string option, string value)
        => int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{option} takes a positive integer, not '{value}'.");
}
