using System.Collections.Frozen;

namespace Grains.Uploads;

/// <summary>
/// The content types an upload may declare: each one a file format whose first bytes say what it is, so the
/// validation can tell a file of the declared type from anything else with a name and a header.
/// </summary>
public static class UploadContentTypes
{
    /// <summary>How many leading bytes the check reads: enough for every signature below (WebP's is at 8–11).</summary>
    public const int SignatureLength = 12;

    private static readonly FrozenDictionary<string, Func<ReadOnlyMemory<byte>, bool>> s_signatures = new Dictionary<string, Func<ReadOnlyMemory<byte>, bool>>
    {
        ["image/png"] = head => head.Span.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ["image/jpeg"] = head => head.Span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ["image/gif"] = head => head.Span.StartsWith("GIF87a"u8) || head.Span.StartsWith("GIF89a"u8),
        ["image/webp"] = head => head.Length >= 12 && head.Span.StartsWith("RIFF"u8) && head.Span[8..12].SequenceEqual("WEBP"u8),
        ["application/pdf"] = head => head.Span.StartsWith("%PDF-"u8),

        // A zip's local file header; an empty archive starts with its end-of-central-directory record.
        ["application/zip"] = head => head.Span.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]) || head.Span.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x05, 0x06]),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The allowed types, as they must be declared (lower case, no parameters).</summary>
    public static IEnumerable<string> All => s_signatures.Keys.Order(StringComparer.Ordinal);

    public static bool IsAllowed(string? contentType) => contentType is not null && s_signatures.ContainsKey(contentType);

    /// <summary>Whether <paramref name="head"/>, a file's first bytes (up to <see cref="SignatureLength"/>), is of <paramref name="contentType"/>.</summary>
    public static bool Matches(string contentType, ReadOnlyMemory<byte> head)
        => s_signatures.TryGetValue(contentType, out var matches) && matches(head);
}
