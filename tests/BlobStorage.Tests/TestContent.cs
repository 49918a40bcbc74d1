using System.Security.Cryptography;

namespace BlobStorage.Tests;

/// <summary>Deterministic bytes, so a blob read back is compared with what was written without keeping both in memory.</summary>
public static class TestContent
{
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        Fill(bytes, 0, seed);
        return bytes;
    }

    /// <summary>Byte <paramref name="position"/> onwards of the sequence <paramref name="seed"/> names.</summary>
    public static void Fill(Span<byte> buffer, long position, int seed)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            var at = position + i;
            buffer[i] = (byte)((at * 31) ^ (at >> 9) ^ seed);
        }
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<string> Sha256Async(Stream stream) => Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
}

/// <summary>
/// A body that cannot seek and reports no length, like a request body: <paramref name="length"/> bytes of sequence
/// <paramref name="seed"/>. Handed out in small reads, so a store must gather its parts itself. It can fail (an I/O
/// error) or cancel a token once <paramref name="failAfter"/> bytes were read.
/// </summary>
public sealed class GeneratedStream(long length, int seed, long failAfter = long.MaxValue, CancellationTokenSource? cancelAtFailure = null) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter)
        {
            if (cancelAtFailure is null)
            {
                throw new IOException("The client went away.");
            }

            cancelAtFailure.Cancel();
            cancelAtFailure.Token.ThrowIfCancellationRequested();
        }

        var count = (int)Math.Min(Math.Min(buffer.Length, 64 * 1024), Math.Min(length, failAfter) - _position);
        if (count <= 0)
        {
            return 0;
        }

        TestContent.Fill(buffer[..count], _position, seed);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
