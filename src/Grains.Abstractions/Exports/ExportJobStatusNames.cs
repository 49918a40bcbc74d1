namespace Grains.Exports;

/// <summary>Job statuses as the API shows them: <c>PENDING</c>, <c>PROCESSING</c>, ….</summary>
public static class ExportJobStatusNames
{
    public static string Of(ExportJobStatus status) => status switch
    {
        ExportJobStatus.Pending => "PENDING",
        ExportJobStatus.Processing => "PROCESSING",
        ExportJobStatus.Completed => "COMPLETED",
        ExportJobStatus.Failed => "FAILED",
        ExportJobStatus.Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool HasEnded(this ExportJobStatus status) => status is ExportJobStatus.Completed or ExportJobStatus.Failed or ExportJobStatus.Cancelled;
}
