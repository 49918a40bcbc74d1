using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Net.Http.Headers;

namespace BlobStorage;

/// <summary>
/// Blobs as objects of one bucket on S3 or an S3-compatible service. Whole writes stream through one pooled part
/// buffer: a body that fits is one PutObject, a larger one a multipart upload, aborted if anything fails, so an object
/// appears whole or not at all and no unfinished upload is left to bill for. Writes in parts are S3's multipart
/// uploads (the write id is the upload id). Download links are presigned GET URLs.
/// </summary>
public sealed partial class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>The whole write's part: the one buffer a write holds, so a 1 GB body never sits in memory (and up to 80 GB fit in S3's 10,000 parts).</summary>
    public const int PartBufferSize = 8 * 1024 * 1024;

    /// <summary>S3's longest presigned URL lifetime for SigV4.</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(7);

    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly Protocol _linkProtocol;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public S3BlobStore(IAmazonS3 client, string bucket, Protocol linkProtocol = Protocol.HTTPS, TimeProvider? time = null, ILogger<S3BlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        _client = client;
        _bucket = bucket;
        _linkProtocol = linkProtocol;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<S3BlobStore>.Instance;
    }

    /// <summary>The store the "BlobStorage:S3" settings describe, with a client of its own.</summary>
    public static S3BlobStore Create(S3StorageOptions options, TimeProvider? time = null, ILogger<S3BlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,

            // SDK v4 adds a CRC checksum to every upload and checks one on every download "when supported"; S3-compatible
            // services and emulators that do not know the trailing-checksum encoding refuse or corrupt such requests.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        var linkProtocol = Protocol.HTTPS;
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = options.Region;
            linkProtocol = serviceUrl.StartsWith("http:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        var client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        return new S3BlobStore(client, options.Bucket, linkProtocol, time, logger);
    }

    public async Task<BlobInfo> WriteAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<byte>.Shared.Rent(PartBufferSize);
        try
        {
            var filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            if (filled < PartBufferSize)
            {
                await PutAsync(key, buffer, filled, contentType, cancellationToken).ConfigureAwait(false);
                return new BlobInfo(filled);
            }

            return await WriteMultipartAsync(key, content, contentType, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<string> StartPartsAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        var started = await _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key, ContentType = contentType }, cancellationToken).ConfigureAwait(false);
        return started.UploadId;
    }

    public async Task<BlobPart> WritePartAsync(string key, string writeId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        ArgumentException.ThrowIfNullOrEmpty(writeId);
        BlobParts.CheckNumber(number);
        try
        {
            return await UploadPartAsync(key, writeId, number, content, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            throw new BlobWriteNotFoundException(key, writeId, e);
        }
    }

    public async Task<BlobInfo> CompletePartsAsync(string key, string writeId, IReadOnlyList<BlobPart> parts, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        ArgumentException.ThrowIfNullOrEmpty(writeId);
        ArgumentNullException.ThrowIfNull(parts);
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Number != i + 1)
            {
                throw new ArgumentException("Parts are completed in order from 1, each once.", nameof(parts));
            }
        }

        try
        {
            await CompleteAsync(key, writeId, parts, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "EntityTooSmall")
        {
            throw new ArgumentException($"Every part but the last holds at least {BlobParts.MinimumSize} bytes.", nameof(parts), e);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // Completed before, by a writer that crashed before it could record so: the object is there (or the write
            // was aborted, and there is nothing).
            return await GetInfoAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new BlobWriteNotFoundException(key, writeId, e);
        }

        return await GetInfoAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"'{key}' was completed but cannot be found.");
    }

    public async Task AbortPartsAsync(string key, string writeId, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        ArgumentException.ThrowIfNullOrEmpty(writeId);
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = writeId }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            // Completed or aborted already: nothing is left to drop.
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return new BlobInfo(metadata.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<BlobStart?> ReadStartAsync(string key, int count, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key, ByteRange = new ByteRange(0, count - 1) }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // No byte to give: an empty object (its size, if it is still there, from its metadata).
            return await GetInfoAsync(key, cancellationToken).ConfigureAwait(false) is { } info ? new BlobStart(info.Size, ReadOnlyMemory<byte>.Empty) : null;
        }

        using (response)
        {
            // "bytes 0-11/12345": the object's size follows the slash. A service that ignores the range answers the whole
            // object (200, no Content-Range); only the asked-for bytes are read before the response is dropped.
            var size = TotalOf(response.ContentRange) ?? response.ContentLength;
            var head = new byte[(int)Math.Min(count, size)];
            var read = await response.ResponseStream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return new BlobStart(size, head.AsMemory(0, read));
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        try
        {
            // The response stream is the HTTP body itself: disposing it releases the connection.
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BlobNotFoundException(key);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.Check(key);
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
    }

    public Uri CreateDownloadLink(string key, string fileName, string contentType, DateTimeOffset expiresAt)
    {
        BlobKey.Check(key);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        if (expiresAt - _time.GetUtcNow() > MaxLinkLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), expiresAt, $"An S3 link lasts at most {MaxLinkLifetime.TotalDays} days (SigV4's limit).");
        }

        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        var url = _client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = expiresAt.UtcDateTime,
            Protocol = _linkProtocol,
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = contentType, ContentDisposition = disposition.ToString() },
        });
        return new Uri(url, UriKind.Absolute);
    }

    public void Dispose() => _client.Dispose();

    private async Task<BlobInfo> WriteMultipartAsync(string key, Stream content, string contentType, byte[] buffer, CancellationToken cancellationToken)
    {
        var writeId = await StartPartsAsync(key, contentType, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<BlobPart>();
            long size = 0;
            var filled = PartBufferSize;
            while (filled > 0)
            {
                if (parts.Count == BlobParts.MaximumCount)
                {
                    throw new InvalidOperationException($"'{key}' is over {BlobParts.MaximumCount} parts of {PartBufferSize} bytes, S3's largest multipart upload from this store.");
                }

                parts.Add(await UploadPartAsync(key, writeId, parts.Count + 1, buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false));
                size += filled;
                filled = filled == PartBufferSize ? await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false) : 0;
            }

            await CompleteAsync(key, writeId, parts, cancellationToken).ConfigureAwait(false);
            return new BlobInfo(size);
        }
        catch
        {
            // S3 keeps (and bills) an unfinished upload's parts until it is aborted; the caller's token may be the
            // reason we are here, so the abort does not take it. If the abort fails too (however: a service error, a
            // timeout, a client error), the write's own failure is the one to report (a body over its limit stays a
            // 413), and the bucket's lifecycle rule for incomplete uploads (README) is the backstop.
            await TryAbortAsync(key, writeId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task TryAbortAsync(string key, string writeId)
    {
        try
        {
            await AbortPartsAsync(key, writeId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or StackOverflowException or AccessViolationException))
        {
            LogAbortFailed(_logger, exception, key, writeId);
        }
    }

    [LoggerMessage(1201, LogLevel.Warning, "The unfinished multipart upload {WriteId} of '{Key}' could not be aborted; the bucket's lifecycle rule for incomplete uploads is left to drop its parts.", EventName = "BlobAbortFailed")]
    private static partial void LogAbortFailed(ILogger logger, Exception exception, string key, string writeId);

    private async Task PutAsync(string key, byte[] buffer, int count, string contentType, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, count, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = contentType,

            // A signed payload hash rather than aws-chunked encoding, which S3-compatible services often lack; the
            // body is in memory, so hashing it costs one pass.
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BlobPart> UploadPartAsync(string key, string writeId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        var uploaded = await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _bucket,
            Key = key,
            UploadId = writeId,
            PartNumber = number,
            InputStream = body,
            PartSize = content.Length,
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
        return new BlobPart(number, uploaded.ETag);
    }

    private Task CompleteAsync(string key, string writeId, IReadOnlyList<BlobPart> parts, CancellationToken cancellationToken)
        => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = key,
            UploadId = writeId,
            PartETags = [.. parts.Select(part => new PartETag(part.Number, part.Tag))],
        }, cancellationToken);

    private static long? TotalOf(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var total)
            ? total
            : null;
    }

    /// <summary>Reads until the buffer is full or the stream ends: a stream may hand out less than asked at a time.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
        => await content.ReadAtLeastAsync(buffer.AsMemory(0, PartBufferSize), PartBufferSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
}
