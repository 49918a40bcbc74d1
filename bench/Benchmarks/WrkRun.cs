using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Benchmarks;

/// <summary>
/// The flash sale's hot path measured by an outside tool: wrk (Debian's package) with bench/wrk/flash-sale.lua against
/// one front end, after the benchmark's own load, so the product is sold out and every order is refused from the
/// product grain's memory. Skipped, and said so, when wrk is not installed.
/// </summary>
public sealed record WrkRun(string Command, string Output)
{
    private const string Script = "bench/wrk/flash-sale.lua";

    public static async Task<WrkRun?> MeasureAsync(Uri frontend, string productId, string[] tokens, string runDirectory, TimeSpan duration)
    {
        if (!File.Exists(Script))
        {
            Console.WriteLine($"  wrk: {Script} not found (run from the repository root); skipped");
            return null;
        }

        var tokensFile = Path.Combine(runDirectory, "wrk-tokens.txt");
        await File.WriteAllLinesAsync(tokensFile, tokens);
        string[] arguments = ["-t2", "-c64", $"-d{duration.TotalSeconds:0}s", "--latency", "-s", Script, new Uri(frontend, "/api/v1/orders").ToString(), "--", tokensFile, productId];
        var command = "wrk " + string.Join(' ', arguments);
        Console.WriteLine($"  outside tool: {command}");
        try
        {
            using var process = Process.Start(new ProcessStartInfo("wrk", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new WrkRun(command, (await output) + (await error));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("  wrk is not installed (apt-get install -y wrk); the outside measurement is skipped");
            return null;
        }
    }

    public JsonObject ToJson() => new()
    {
        ["command"] = Command,
        ["what"] = "POST /api/v1/orders for the sold-out sale product, a buyer's token and a new Idempotency-Key each (409 out-of-stock from the grain's memory; wrk counts them as Non-2xx)",
        ["output"] = new JsonArray([.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonValue.Create(l.TrimEnd()))]),
    };
}
