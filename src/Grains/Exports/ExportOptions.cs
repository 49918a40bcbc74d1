using System.ComponentModel.DataAnnotations;
using BlobStorage;

namespace Grains.Exports;

/// <summary>Export jobs on a silo ("Exports" section); checked at start.</summary>
public sealed class ExportOptions
{
    public const string SectionName = "Exports";

    /// <summary>Jobs that run at once on one silo; the others wait, <c>PENDING</c>, for a slot. Each running job holds one database connection per batch and a part in memory.</summary>
    [Range(1, 64)]
    public int MaxRunningPerSilo { get; set; } = 2;

    /// <summary>Orders read per statement.</summary>
    [Range(100, 100_000)]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// Bytes of CSV gathered in memory before they are written as one part of the file and the job checkpoints: what a
    /// crash can cost in rework. A running job's buffer is 1.25 × this rounded up to a power of two by the array pool
    /// (16 MiB for the default 8 MiB). At least the blob store's 5 MiB floor.
    /// </summary>
    [Range(BlobParts.MinimumSize, 256 * 1024 * 1024)]
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>How often a job's reminder makes sure it runs: a job lost with its silo resumes from its checkpoint within this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Tries of a database read or a blob write that failed for a passing reason before the job waits for its reminder.</summary>
    [Range(0, 10)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>
    /// Runs in a row that end without a checkpoint — interrupted by a passing failure retried in vain, or by the loss of
    /// their silo — before the job ends <c>FAILED</c> with the last reason: a job that cannot progress does not hold its
    /// reminder and a slot for ever.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first wait before trying again; it doubles, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
