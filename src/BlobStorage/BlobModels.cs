namespace BlobStorage;

/// <summary>A stored blob's size in bytes.</summary>
public sealed record BlobInfo(long Size);

/// <summary>A blob's first bytes, as many as asked for or the whole blob when shorter, and its whole size.</summary>
public sealed record BlobStart(long Size, ReadOnlyMemory<byte> Head);

/// <summary>A written part: its number and the store's tag for it, both needed to complete the write.</summary>
public sealed record BlobPart(int Number, string Tag);

public static class BlobParts
{
    /// <summary>S3's floor for every part but the last (5 MiB); the filesystem store holds to it too, so callers need not know which store they write to.</summary>
    public const int MinimumSize = 5 * 1024 * 1024;

    /// <summary>S3's ceiling on part numbers.</summary>
    public const int MaximumCount = 10_000;

    internal static void CheckNumber(int number) => ArgumentOutOfRangeException.ThrowIfNotEqual(number is >= 1 and <= MaximumCount, true, nameof(number));
}

/// <summary>No blob under the key.</summary>
public sealed class BlobNotFoundException(string key) : Exception($"No blob is stored under '{key}'.")
{
    public string Key { get; } = key;
}

/// <summary>
/// No part-wise write under the id is open for the key: it was completed or aborted (or expired, for a store that
/// expires unfinished writes). Writing a part again cannot bring it back.
/// </summary>
public sealed class BlobWriteNotFoundException(string key, string writeId, Exception? inner = null)
    : InvalidOperationException($"No write '{writeId}' is open for '{key}'.", inner)
{
    public string Key { get; } = key;

    public string WriteId { get; } = writeId;
}
