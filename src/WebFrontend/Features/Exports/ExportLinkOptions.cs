using System.ComponentModel.DataAnnotations;

namespace WebFrontend.Features.Exports;

/// <summary>The front end's part of the "Exports" section: how long a COMPLETED job's download link works.</summary>
public sealed class ExportLinkOptions
{
    public const string SectionName = "Exports";

    /// <summary>Each read of a job makes a new link, valid this long.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan DownloadLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
