using System.Diagnostics;
using System.Text;
using Commerce.Testing;

namespace Benchmarks.Tests;

/// <summary>
/// One run of a program of this repository (<c>dotnet &lt;dll&gt; …</c>) as a child process, with its output
/// collected. A process rather than a call into the program: the run goes through its real entry point and argument
/// parsing, its console and GC are its own, and a program that hangs is killed with its whole process tree instead of
/// hanging the test host.
/// </summary>
public sealed record ProgramRun(int ExitCode, IReadOnlyList<string> Lines, TimeSpan Elapsed)
{
    public static async Task<ProgramRun> RunAsync(string name, string dll, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        Assert.True(File.Exists(dll), $"{name} was not built: {dll}");
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
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
            Assert.Fail($"{name} did not finish within {timeout}; its output:\n{Output(lines)}");
        }

        await pumps;
        return new ProgramRun(process.ExitCode, lines, clock.Elapsed);
    }

    /// <summary>Everything the program printed, for assertion messages.</summary>
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
