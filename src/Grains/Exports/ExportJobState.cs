using BlobStorage;

namespace Grains.Exports;

/// <summary>
/// A job as Orleans' default storage keeps it: the request, the progress and the checkpoint. The checkpoint is the
/// last row of the last part the blob store holds (<see cref="CursorCreatedAt"/>, <see cref="CursorId"/>) with the parts
/// themselves and the rows they hold, all written together, so a resumed job starts with the next part and the row after.
/// </summary>
public sealed class ExportJobState
{
    public bool Exists { get; set; }

    public string OwnerId { get; set; } = "";

    public OrderExportFilter Filter { get; set; } = new(null, null, null, null);

    public ExportJobStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Orders created from this time on are not part of the job (fixed when it first runs).</summary>
    public DateTimeOffset? Before { get; set; }

    public long? RowsTotal { get; set; }

    /// <summary>Rows in <see cref="Parts"/>.</summary>
    public long RowsDone { get; set; }

    public DateTimeOffset? CursorCreatedAt { get; set; }

    public string? CursorId { get; set; }

    /// <summary>The blob store's part-wise write, once started.</summary>
    public string? WriteId { get; set; }

    public List<BlobPart> Parts { get; set; } = [];

    /// <summary>
    /// Every row has been read and is in <see cref="Parts"/>: what is left is completing the file, which a resumed job
    /// does straight away (reading on from the cursor could find rows that match by now and write them to a completed file).
    /// </summary>
    public bool AllRowsRead { get; set; }

    /// <summary>Runs since the last checkpoint (counted as each starts): past <see cref="ExportOptions.MaxAttempts"/>, the job fails.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last run stopped without a checkpoint (a fixed message): the reason a job failed by its attempts shows.</summary>
    public string? LastError { get; set; }

    /// <summary>The job ended (cancelled, failed) and its parts or file may still be in the store: the reminder tries to drop them again.</summary>
    public bool DiscardPending { get; set; }

    /// <summary>Times the job carried on from a checkpoint in a new activation.</summary>
    public int Resumes { get; set; }

    public long? Size { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? Error { get; set; }

    public ExportCursor? Cursor => CursorId is null ? null : new ExportCursor(CursorCreatedAt!.Value, CursorId);

    public ExportJobView View(string id, long rowsDone) => new(
        id, OwnerId, Filter, Status, rowsDone, RowsTotal, CreatedAt, CompletedAt, Status == ExportJobStatus.Completed ? ExportFiles.Key(id) : null, Size, Error);
}

/// <summary>Where a job's file is and what it is called.</summary>
public static class ExportFiles
{
    public const string ContentType = "text/csv";

    public static string Key(string jobId) => $"exports/{jobId}.csv";

    public static string FileName(string jobId) => $"orders-{jobId}.csv";
}
