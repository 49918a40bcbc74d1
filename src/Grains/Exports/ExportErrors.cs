namespace Grains.Exports;

/// <summary>Which failures end a job (FAILED with a reason) and which pass (retried, then resumed by the reminder).</summary>
internal static class ExportErrors
{
    /// <summary>
    /// Failures of the job's own making or of data it cannot write: trying again would fail again. Anything else — the
    /// database or the blob store unreachable, a timeout, a full disk — may pass.
    /// </summary>
    public static bool IsPermanent(Exception exception) => exception is ExportFailedException or ArgumentException or InvalidOperationException or NotSupportedException
        or FormatException;

    /// <summary>What the job's owner is told.</summary>
    public static string Reason(Exception exception) => exception switch
    {
        ExportFailedException failed => failed.Message,
        _ => $"The export could not be written: {exception.Message}",
    };
}
