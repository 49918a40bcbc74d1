namespace Grains.Uploads;

/// <summary>An upload's metadata: one row of <c>uploads</c>; the bytes are in the blob store under <see cref="BlobKey"/>.</summary>
public sealed class UploadState
{
    public bool Exists { get; set; }

    public string OwnerId { get; set; } = "";

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long DeclaredSize { get; set; }

    public UploadStatus Status { get; set; }

    /// <summary>The upload link's expiry, as signed.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Where the received bytes are; null until they are.</summary>
    public string? BlobKey { get; set; }

    /// <summary>The bytes received, as the front end counted them.</summary>
    public long? Size { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>Why the upload was rejected.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public UploadView View(string id)
        => new(id, OwnerId, FileName, ContentType, DeclaredSize, Status, Size, Sha256, Reason, CreatedAt, ExpiresAt, UpdatedAt);
}
