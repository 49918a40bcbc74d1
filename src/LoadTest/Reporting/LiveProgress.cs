using System.Globalization;
using LoadTest.Measuring;
using Spectre.Console;

namespace LoadTest.Reporting;

/// <summary>
/// Progress while the load runs: on a terminal a live table redrawn twice a second (requests/s, answers by status
/// and problem type, p50/p99); otherwise (CI, a pipe) one plain line a second, so logs stay readable.
/// </summary>
public sealed class LiveProgress(RunStats stats, TimeProvider time)
{
    private static readonly TimeSpan s_liveInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_plainInterval = TimeSpan.FromSeconds(1);

    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public async Task ShowUntilAsync(Task run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var rate = new RateMeter(stats, time);
        if (IsInteractive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
            await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(s_liveInterval, time));
                    Fill(table, rate.Next());
                    context.Refresh();
                }
            });
            return;
        }

        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(s_plainInterval, time));
            var now = rate.Next();
            var answers = string.Join(", ", stats.Answers.Snapshot().Select(pair => $"{pair.Key}×{pair.Value.ToString(CultureInfo.InvariantCulture)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{now.Elapsed.TotalSeconds,6:F1} s] requests={now.Requests} rps={now.RequestsPerSecond:F0} p50_ms={stats.Latency.Percentile(0.5):F1} p99_ms={stats.Latency.Percentile(0.99):F1} {answers}"));
        }
    }

    private void Fill(Table table, RateMeter.Reading now)
    {
        table.Rows.Clear();
        Row(table, "elapsed (s)", now.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        Row(table, "iterations done", stats.Iterations.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "requests", now.Requests.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "requests/s (last interval)", now.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "p50 / p99 / max (ms)", string.Create(CultureInfo.InvariantCulture,
            $"{stats.Latency.Percentile(0.5):F1} / {stats.Latency.Percentile(0.99):F1} / {stats.Latency.MaxMilliseconds:F1}"));
        foreach (var (answer, count) in stats.Answers.Snapshot())
        {
            Row(table, $"  {answer}", count.ToString("N0", CultureInfo.InvariantCulture));
        }
    }

    private static void Row(Table table, string measure, string value) => table.AddRow(new Text(measure), new Text(value));

    /// <summary>Requests per second over the interval since the last reading.</summary>
    private sealed class RateMeter(RunStats stats, TimeProvider time)
    {
        private readonly long _started = time.GetTimestamp();
        private TimeSpan _lastElapsed;
        private long _lastRequests;

        public Reading Next()
        {
            var elapsed = time.GetElapsedTime(_started);
            var requests = stats.Latency.Count;
            var seconds = (elapsed - _lastElapsed).TotalSeconds;
            var reading = new Reading(elapsed, requests, seconds > 0 ? (requests - _lastRequests) / seconds : 0);
            (_lastElapsed, _lastRequests) = (elapsed, requests);
            return reading;
        }

        public sealed record Reading(TimeSpan Elapsed, long Requests, double RequestsPerSecond);
    }
}
