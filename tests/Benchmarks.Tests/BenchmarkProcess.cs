using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>One run of the benchmark program (bench/Benchmarks, built in this test's configuration), results in a folder of its own.</summary>
public sealed record BenchmarkProcess(int ExitCode, IReadOnlyList<string> Lines, string ResultsDirectory, TimeSpan Elapsed)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static async Task<BenchmarkProcess> RunAsync(string benchmark, TimeSpan timeout, params string[] options)
    {
        var dll = Path.Combine(BuiltProject.RepositoryRoot, "bench", "Benchmarks", "bin", Configuration, "net10.0", "Benchmarks.dll");
        var results = Path.Combine(Path.GetTempPath(), $"bench-smoke-test-{benchmark}-{Guid.NewGuid():N}");
        var run = await ProgramRun.RunAsync(benchmark, dll, [benchmark, "--results", results, .. options], timeout);
        return new BenchmarkProcess(run.ExitCode, run.Lines, results, run.Elapsed);
    }

    /// <summary>Everything the benchmark printed, for assertion messages.</summary>
    public string Output() => new ProgramRun(ExitCode, Lines, Elapsed).Output();
}
