using System.Buffers;

namespace BlobStorage;

/// <summary>
/// Keys are '/'-separated segments of letters, digits, '.', '-' and '_' (no empty, "." or ".." segment), at most 512
/// characters: the same on a filesystem and in S3, and never a path out of the store's folder.
/// </summary>
public static class BlobKey
{
    public const int MaxLength = 512;

    private static readonly SearchValues<char> s_segmentChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");

    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength)
        {
            return false;
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.AsSpan().ContainsAnyExcept(s_segmentChars))
            {
                return false;
            }
        }

        return true;
    }

    public static void Check(string key)
    {
        if (!IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a blob key: '/'-separated segments of letters, digits, '.', '-' and '_', at most {MaxLength} characters.", nameof(key));
        }
    }
}
