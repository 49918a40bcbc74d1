using System.Diagnostics.Metrics;

namespace Grains.Exports;

/// <summary>What the export jobs on this silo do: jobs ended by outcome, rows written (counted once, at their checkpoint), resumptions from a checkpoint, jobs running.</summary>
public sealed class ExportMetrics
{
    public const string MeterName = "Commerce.Exports";
    public const string JobsName = "commerce.exports.jobs";
    public const string RowsName = "commerce.exports.rows";
    public const string ResumedName = "commerce.exports.resumed";
    public const string RunningName = "commerce.exports.running";

    private readonly Counter<long> _jobs;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _resumed;
    private readonly UpDownCounter<int> _running;

    public ExportMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _jobs = meter.CreateCounter<long>(JobsName, unit: "{job}", description: "Export jobs that ended, by outcome (completed, failed, cancelled).");
        _rows = meter.CreateCounter<long>(RowsName, unit: "{row}", description: "Rows written to export files, counted when their part is checkpointed.");
        _resumed = meter.CreateCounter<long>(ResumedName, unit: "{job}", description: "Export jobs that carried on from a checkpoint in a new activation (after a crash or a move).");
        _running = meter.CreateUpDownCounter<int>(RunningName, unit: "{job}", description: "Export jobs holding one of this silo's slots.");
    }

    public void Ended(ExportJobStatus outcome)
        => _jobs.Add(1, new KeyValuePair<string, object?>("outcome", ExportJobStatusNames.Of(outcome).ToLowerInvariant()));

    public void Rows(long rows) => _rows.Add(rows);

    public void Resumed() => _resumed.Add(1);

    public void Running(int delta) => _running.Add(delta);
}
