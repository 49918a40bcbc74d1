using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmarks;

/// <summary>Where a benchmark's numbers go (bench/results/&lt;name&gt;.json, or a temporary folder in --smoke), and what every file records.</summary>
public static class ResultsFile
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields every results file starts with: name, time, mode, and the machine with its load.</summary>
    public static JsonObject Header(string benchmark, BenchmarkArguments arguments, string? loadBefore = null) => new()
    {
        ["benchmark"] = benchmark,
        ["recorded_at"] = DateTimeOffset.UtcNow.ToString("O"),
        ["mode"] = arguments.Smoke ? "smoke (tiny data, targets not enforced)" : "full",
        ["machine"] = new JsonObject
        {
            ["cores"] = Environment.ProcessorCount,
            ["os"] = Environment.OSVersion.ToString(),
            ["runtime"] = Environment.Version.ToString(),
            // Everything shares two cores: other work on the machine shows in the numbers, so it is recorded.
            ["load_average_before"] = loadBefore,
            ["load_average_after"] = LoadAverage(),
        },
    };

    public static async Task WriteAsync(BenchmarkArguments arguments, string benchmark, JsonObject document)
    {
        Directory.CreateDirectory(arguments.ResultsDirectory);
        var path = Path.Combine(arguments.ResultsDirectory, $"{benchmark}.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(s_options));
        Console.WriteLine($"results written to {path}");
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
