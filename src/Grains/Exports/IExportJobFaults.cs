namespace Grains.Exports;

/// <summary>
/// Fault injection for export jobs (case C5: a job interrupted between writing a part and recording it). Production
/// registers <see cref="NoExportJobFaults"/>; tests register one that throws once a part is written.
/// </summary>
public interface IExportJobFaults
{
    /// <summary>Called after a part reached the blob store, before the job's checkpoint records it.</summary>
    ValueTask PartWritten(string jobId, int partNumber, CancellationToken cancellationToken);
}

public sealed class NoExportJobFaults : IExportJobFaults
{
    public ValueTask PartWritten(string jobId, int partNumber, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
