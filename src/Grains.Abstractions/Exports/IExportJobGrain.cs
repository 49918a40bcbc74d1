namespace Grains.Exports;

/// <summary>
/// One export job, keyed by its id (case C5): it owns the request, its progress and its file. <see cref="Start"/>
/// answers at once; the rows are written in the background, batch by batch, from a durable checkpoint that a
/// reminder resumes on another silo after a crash, so the job outlives the front end that started it and its own
/// silo.
/// </summary>
[Alias("commerce.export-job")]
public interface IExportJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the job and schedules it. Starting a job id that exists answers <see cref="ExportStartStatus.AlreadyExists"/>
    /// with it (a retried request: the caller compares the request).
    /// </summary>
    [Alias("start")]
    Task<ExportStart> Start(StartOrderExport command);

    [Alias("get")]
    Task<ExportJobView?> Get();

    /// <summary>Stops a job that has not ended and drops what it wrote; an ended job answers <see cref="ExportCancelStatus.InvalidState"/>.</summary>
    [Alias("cancel")]
    Task<ExportCancel> Cancel();
}

/// <summary>Which orders go into the file: the order list's filters.</summary>
/// <param name="CreatedTo">Exclusive.</param>
[GenerateSerializer, Immutable, Alias("commerce.OrderExportFilter")]
public sealed record OrderExportFilter(
    [property: Id(0)] Orders.OrderStatus? Status,
    [property: Id(1)] string? CustomerId,
    [property: Id(2)] DateTimeOffset? CreatedFrom,
    [property: Id(3)] DateTimeOffset? CreatedTo);

[GenerateSerializer, Immutable, Alias("commerce.StartOrderExport")]
public sealed record StartOrderExport([property: Id(0)] string OwnerId, [property: Id(1)] OrderExportFilter Filter);

[GenerateSerializer, Alias("commerce.ExportJobStatus")]
public enum ExportJobStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

/// <param name="RowsTotal">Counted once when the job first runs; null before.</param>
/// <param name="BlobKey">Where the file is, once <see cref="ExportJobStatus.Completed"/>.</param>
[GenerateSerializer, Immutable, Alias("commerce.ExportJobView")]
public sealed record ExportJobView(
    [property: Id(0)] string Id,
    [property: Id(1)] string OwnerId,
    [property: Id(2)] OrderExportFilter Filter,
    [property: Id(3)] ExportJobStatus Status,
    [property: Id(4)] long RowsDone,
    [property: Id(5)] long? RowsTotal,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? CompletedAt,
    [property: Id(8)] string? BlobKey,
    [property: Id(9)] long? Size,
    [property: Id(10)] string? Error);

[GenerateSerializer, Alias("commerce.ExportStartStatus")]
public enum ExportStartStatus
{
    Started,
    AlreadyExists,
}

[GenerateSerializer, Immutable, Alias("commerce.ExportStart")]
public sealed record ExportStart([property: Id(0)] ExportStartStatus Status, [property: Id(1)] ExportJobView Job);

[GenerateSerializer, Alias("commerce.ExportCancelStatus")]
public enum ExportCancelStatus
{
    Cancelled,
    NotFound,
    InvalidState,
}

[GenerateSerializer, Immutable, Alias("commerce.ExportCancel")]
public sealed record ExportCancel([property: Id(0)] ExportCancelStatus Status, [property: Id(1)] ExportJobView? Job);
