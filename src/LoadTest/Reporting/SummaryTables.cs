using System.Globalization;
using LoadTest.Measuring;
using Spectre.Console;

namespace LoadTest.Reporting;

/// <summary>The tables printed at the end: latency per operation, answers by kind, and the checks.</summary>
public static class SummaryTables
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static void Print(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine(string.Create(s_invariant, $"{report.Scenario.Name}: {report.Requests:N0} requests in {report.Outcome.Elapsed.TotalSeconds:F1} s "
            + $"({report.RequestsPerSecond:N0}/s), {report.Stats.Iterations:N0} iterations, stopped by {report.Outcome.StoppedBy}"));
        var latency = new Table().Border(TableBorder.Rounded);
        latency.AddColumn("operation");
        foreach (var column in new[] { "requests", "p50 ms", "p90 ms", "p99 ms", "max ms" })
        {
            latency.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var operation in report.Stats.Operations)
        {
            AddLatencyRow(latency, operation.Name, operation.Latency);
        }

        AddLatencyRow(latency, "all requests", report.Stats.Latency);
        AnsiConsole.Write(latency);

        var answers = new Table().Border(TableBorder.Rounded).AddColumn("answer").AddColumn(new TableColumn("count").RightAligned()).AddColumn("counts as");
        foreach (var (answer, count) in report.Stats.Answers.Snapshot())
        {
            answers.AddRow(new Text(answer.ToString()), new Text(count.ToString("N0", s_invariant)), new Text(AnswerKind.Of(answer, report.Scenario)));
        }

        AnsiConsole.Write(answers);

        var checks = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("result").AddColumn("detail");
        foreach (var check in report.Checks)
        {
            checks.AddRow(new Text(check.Name), new Markup(check.Passed ? "[green]passed[/]" : "[red]FAILED[/]"), new Text(check.Detail));
        }

        AnsiConsole.Write(checks);
    }

    private static void AddLatencyRow(Table table, string name, LatencyHistogram latency) => table.AddRow(
        new Text(name),
        new Text(latency.Count.ToString("N0", s_invariant)),
        new Text(latency.Percentile(0.50).ToString("F1", s_invariant)),
        new Text(latency.Percentile(0.90).ToString("F1", s_invariant)),
        new Text(latency.Percentile(0.99).ToString("F1", s_invariant)),
        new Text(latency.MaxMilliseconds.ToString("F1", s_invariant)));
}
