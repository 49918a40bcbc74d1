using System.Diagnostics;
using System.Text;
using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>
/// One run of the benchmark program (bench/Benchmarks, built in this test's configuration) as a child process, with
/// its output collected. A process rather than a call into the benchmark's RunAsync: the run goes through the real
/// entry point and argument parsing; its console, server GC and Orleans meters are its own; and a benchmark that hangs
/// is killed with its whole process tree (silos, front ends, simulator) instead of hanging the test host.
/// </summary>
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
        Assert.True(File.Exists(dll), $"The benchmark program was not built: {dll}");
        var results = Path.Combine(Path.GetTempPath(), $"bench-smoke-test-{benchmark}-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet", [dll, benchmark, "--results", results, .. options])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = BuiltProject.RepositoryRoot,
        };
        var lines = new List<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput, lines), PumpAsync(process.StandardError, lines));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await pumps;
            Assert.Fail($"{benchmark} did not finish within {timeout}; its output:\n{Output(lines)}");
        }

        await pumps;
        return new BenchmarkProcess(process.ExitCode, lines, results, clock.Elapsed);
    }

    /// <summary>Everything the benchmark printed, for assertion messages.</summary>
    public string Output() => Output(Lines);

    private static string Output(IReadOnlyList<string> lines)
    {
        lock (lines)
        {
            return new StringBuilder().AppendJoin('\n', lines).ToString();
        }
    }

    private static async Task PumpAsync(StreamReader reader, List<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
