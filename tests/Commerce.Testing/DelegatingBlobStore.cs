using BlobStorage;

namespace Commerce.Testing;

/// <summary>A blob store that passes everything to another: tests override the one operation they make fail.</summary>
public abstract class DelegatingBlobStore(IBlobStore inner) : IBlobStore
{
    public virtual Task<BlobInfo> WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) => inner.WriteAsync(key, content, contentType, cancellationToken);

    public virtual Task<string> StartPartsAsync(string key, string contentType, CancellationToken cancellationToken) => inner.StartPartsAsync(key, contentType, cancellationToken);

    public virtual Task<BlobPart> WritePartAsync(string key, string writeId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        => inner.WritePartAsync(key, writeId, number, content, cancellationToken);

    public virtual Task<BlobInfo> CompletePartsAsync(string key, string writeId, IReadOnlyList<BlobPart> parts, CancellationToken cancellationToken)
        => inner.CompletePartsAsync(key, writeId, parts, cancellationToken);

    public virtual Task AbortPartsAsync(string key, string writeId, CancellationToken cancellationToken) => inner.AbortPartsAsync(key, writeId, cancellationToken);

    public virtual Task<BlobInfo?> GetInfoAsync(string key, CancellationToken cancellationToken) => inner.GetInfoAsync(key, cancellationToken);

    public virtual Task<BlobStart?> ReadStartAsync(string key, int count, CancellationToken cancellationToken) => inner.ReadStartAsync(key, count, cancellationToken);

    public virtual Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public virtual Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public virtual Uri CreateDownloadLink(string key, string fileName, string contentType, DateTimeOffset expiresAt) => inner.CreateDownloadLink(key, fileName, contentType, expiresAt);
}
