using BlobStorage;

namespace Grains.Exports;

/// <summary>Which failures end a job (FAILED with a reason) and which pass (retried, then resumed by the reminder).</summary>
internal static class ExportErrors
{
    /// <summary>Shown when the job's file write is gone from the blob store (completed, aborted or expired elsewhere).</summary>
    public const string FileLost = "The export's unfinished file is no longer in the blob store.";

    /// <summary>Shown when the job failed to make progress <see cref="ExportOptions.MaxAttempts"/> runs in a row for a passing reason.</summary>
    public const string Interrupted = "The export was interrupted too many times in a row.";

    /// <summary>Shown for a passing failure that came back on every try (its details are in the silo's log).</summary>
    public const string Unavailable = "The database or the blob store could not be reached.";

    /// <summary>
    /// Failures that trying again cannot fix, and only those: the source's own verdict (<see cref="ExportFailedException"/>)
    /// and a file write the store no longer holds. Broad types (InvalidOperationException, ArgumentException) are not
    /// among them: a silo shutting down (ObjectDisposedException) or a reminder service error is one of them, and passes.
    /// Anything else is retried, and ends the job only after <see cref="ExportOptions.MaxAttempts"/> runs in a row.
    /// </summary>
    public static bool IsPermanent(Exception exception) => exception is ExportFailedException or BlobWriteNotFoundException;

    /// <summary>Failures no handler should swallow: the process is in no state to go on.</summary>
    public static bool IsFatal(Exception exception) => exception is OutOfMemoryException or StackOverflowException or AccessViolationException;

    /// <summary>What the job's owner is told: a fixed message, never an exception's text (paths, write ids); the details go to the log.</summary>
    public static string Reason(Exception exception) => exception switch
    {
        ExportFailedException failed => failed.Message,
        BlobWriteNotFoundException => FileLost,
        _ => Unavailable,
    };
}
