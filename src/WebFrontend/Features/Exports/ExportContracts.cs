using System.ComponentModel;

namespace WebFrontend.Features.Exports;

/// <summary>The order list's filters, every one optional; <c>created_to</c> is exclusive.</summary>
public sealed record OrderExportRequest(string? CreatedFrom, string? CreatedTo, string? Status, string? CustomerId);

/// <summary>The filters a job runs with, as given.</summary>
public sealed record OrderExportFilterResponse(DateTime? CreatedFrom, DateTime? CreatedTo, string? Status, string? CustomerId);

public sealed record ExportJobResponse(
    string Id,
    [property: Description("PENDING (waiting for a slot), PROCESSING, COMPLETED, FAILED or CANCELLED.")] string Status,
    [property: Description("Rows written so far.")] long RowsDone,
    [property: Description("Rows the file will hold, counted when the job starts running; null before.")] long? RowsTotal,
    [property: Description("rows_done / rows_total, from 0 to 1; 1 once COMPLETED.")] double Progress,
    OrderExportFilterResponse Filter,
    DateTime CreatedAt,
    DateTime? CompletedAt,
    [property: Description("The file's size in bytes, once COMPLETED.")] long? Size,
    [property: Description("Where to download the CSV without a token until download_expires_at, once COMPLETED: a new link on every read.")] string? DownloadUrl,
    DateTime? DownloadExpiresAt,
    [property: Description("Why the job FAILED.")] string? Error);
