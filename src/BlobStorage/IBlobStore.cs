namespace BlobStorage;

/// <summary>
/// Immutable files by key (<see cref="BlobKey"/>): written whole or in parts, read back as a stream, linked to for a
/// time. A blob appears under its key only once completely written, so a reader never sees half a file and a writer
/// that crashes leaves nothing behind but unfinished parts.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> to the end into <paramref name="key"/>, replacing what was there, holding at most one part in memory.</summary>
    Task<BlobInfo> WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a write in parts, for writers that checkpoint (an export job): parts can be written again (the last
    /// write of a number wins) and survive the writer, so a resumed writer carries on from its last recorded part.
    /// </summary>
    Task<string> StartPartsAsync(string key, string contentType, CancellationToken cancellationToken);

    /// <summary>Writes part <paramref name="number"/> (1 to 10,000); every part but the last must hold at least <see cref="BlobParts.MinimumSize"/> bytes.</summary>
    Task<BlobPart> WritePartAsync(string key, string writeId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Makes the blob the given parts in order, and forgets the write.</summary>
    Task<BlobInfo> CompletePartsAsync(string key, string writeId, IReadOnlyList<BlobPart> parts, CancellationToken cancellationToken);

    /// <summary>Drops an unfinished write's parts; a write already completed or aborted is no error.</summary>
    Task AbortPartsAsync(string key, string writeId, CancellationToken cancellationToken);

    /// <summary>The blob's size, or null when there is none.</summary>
    Task<BlobInfo?> GetInfoAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// The blob's first <paramref name="count"/> bytes (all of it when shorter) and its size, in one request, without
    /// reading the rest (a check of a file's magic bytes on S3 is one ranged GET, not a download); null when there is none.
    /// </summary>
    Task<BlobStart?> ReadStartAsync(string key, int count, CancellationToken cancellationToken);

    /// <summary>Reads the blob from its start (a filesystem store's stream can seek); <see cref="BlobNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the blob; a missing one is no error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A link that downloads the blob without credentials until <paramref name="expiresAt"/>, as
    /// <paramref name="fileName"/> of <paramref name="contentType"/>: the store's own presigned URL, or for the
    /// filesystem a front end path carrying an HMAC signature (<see cref="SignedBlobLinks"/>).
    /// </summary>
    Uri CreateDownloadLink(string key, string fileName, string contentType, DateTimeOffset expiresAt);
}
