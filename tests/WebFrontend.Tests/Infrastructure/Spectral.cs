using System.Diagnostics;
using System.Text.Json.Nodes;
using Commerce.Testing;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// Stoplight's Spectral as ./test.sh installs it (npm ci in tools/spectral, pinned by its package-lock.json), run on a
/// file with the repository's ruleset (.spectral.yaml). Without it the tests fail naming the fix; nothing is fetched.
/// </summary>
public static class Spectral
{
    public static string Executable { get; } = Path.Combine(BuiltProject.RepositoryRoot, "tools", "spectral", "node_modules", ".bin", "spectral");

    public static string Ruleset { get; } = Path.Combine(BuiltProject.RepositoryRoot, ".spectral.yaml");

    /// <summary>Every finding (error, warning, information or hint) as <c>severity code at path: message</c>.</summary>
    public static async Task<IReadOnlyList<string>> LintAsync(string documentPath)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"Spectral is not installed at {Executable}. ./test.sh installs it; by hand: npm ci --prefix tools/spectral --ignore-scripts.");
        }

        var start = new ProcessStartInfo(Executable, ["lint", documentPath, "--ruleset", Ruleset, "--format", "json", "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        // Exit code 1 only says an error was found; the JSON lists each. Anything else is Spectral failing to run.
        var json = await output;
        if (process.ExitCode is not (0 or 1) || !json.TrimStart().StartsWith('['))
        {
            throw new InvalidOperationException($"Spectral exited {process.ExitCode}: {json}{await errors}");
        }

        string[] severities = ["error", "warning", "information", "hint"];
        return [.. JsonNode.Parse(json)!.AsArray().Select(finding =>
            $"{severities[finding!["severity"]!.GetValue<int>()]} {finding["code"]} at {string.Join('.', finding["path"]!.AsArray())}: {finding["message"]}")];
    }
}
