using System.ComponentModel.DataAnnotations;

namespace WebFrontend.Features.Uploads;

/// <summary>The front end's side of uploads, bound from the "Uploads" section.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";

    /// <summary>The largest size an upload may declare, in bytes: its link takes no byte more.</summary>
    [Range(1L, 1L << 40)]
    public long MaxSize { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How long an upload link works from its creation: a PUT starting later is refused (403).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Content PUTs this front end receives at once, from all clients together; one more is 503 <c>overloaded</c> (<see cref="UploadConcurrency"/>).</summary>
    [Range(1, 4096)]
    public int MaxConcurrent { get; set; } = 16;
}
