using System.Globalization;

namespace Benchmarks;

/// <summary>
/// Options shared by every benchmark: <c>--seconds N</c> per scenario, <c>--results DIR</c>, <c>--callers 1,64</c>;
/// checkout's <c>--customers N</c>, <c>--concurrency N</c> and <c>--frontends 1|2</c> (null: the scenario's default).
/// </summary>
public sealed record BenchmarkArguments(TimeSpan Duration, string ResultsDirectory, IReadOnlyList<int>? Callers)
{
    public int? Customers { get; init; }

    public int? Concurrency { get; init; }

    public int? Frontends { get; init; }

    public static BenchmarkArguments Parse(IReadOnlyList<string> args)
    {
        var duration = TimeSpan.FromSeconds(5);
        var results = Path.Combine("bench", "results");
        IReadOnlyList<int>? callers = null;
        int? customers = null, concurrency = null, frontends = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Count && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    duration = TimeSpan.FromSeconds(seconds);
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
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[i]}'. Options: --seconds N, --results DIR, --callers N[,N…], "
                        + "--customers N, --concurrency N, --frontends N.");
            }
        }

        return new BenchmarkArguments(duration, results, callers) { Customers = customers, Concurrency = concurrency, Frontends = frontends };
    }

    private static int Positive(string option, string value)
        => int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{option} takes a positive integer, not '{value}'.");
}
