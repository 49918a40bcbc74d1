using System.Security.Cryptography;

namespace WebFrontend.Features.Uploads;

/// <summary>
/// The request body on its way to the blob store: counted and hashed (SHA-256, incrementally) as it is read, and cut at
/// the first byte over the signed size, which fails the read (<see cref="UploadTooLargeException"/>) and so the store's
/// write, which keeps nothing. Nothing is buffered here beyond what the caller reads into.
/// </summary>
public sealed class UploadContentStream(Stream body, long maxSize) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes read so far.</summary>
    public long Count { get; private set; }

    /// <summary>Lower-case hex SHA-256 of everything read; call once, at the end.</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count += read;
        if (Count > maxSize)
        {
            throw new UploadTooLargeException(maxSize);
        }

        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The body is read asynchronously.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Count;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>The body went past the upload's signed size.</summary>
public sealed class UploadTooLargeException(long maxSize) : IOException($"The body is over the upload's {maxSize} bytes.");
