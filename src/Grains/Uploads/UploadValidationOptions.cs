using System.ComponentModel.DataAnnotations;

namespace Grains.Uploads;

/// <summary>The silo's side of uploads, bound from the "Uploads" section.</summary>
public sealed class UploadValidationOptions
{
    public const string SectionName = "Uploads";

    /// <summary>
    /// How often the reminder behind an upload's validation fires until a verdict is written: the validation runs at
    /// once when the content arrives, so this only matters after a silo was lost mid-check (Orleans' reminders tick
    /// at most once a minute by default).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ValidationRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
