using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace WebFrontend.Http;

/// <summary>ETags are a resource's version in quotes; conditional requests compare versions (RFC 9110 §13).</summary>
public static class EntityTags
{
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>If-None-Match: true when the client's copy is current (weak comparison; <c>*</c> matches any).</summary>
    public static bool NoneMatchHits(HttpRequest request, long version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(Of(version));
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    public enum IfMatch
    {
        Missing,
        Malformed,
        Any,
        Version,
    }

    /// <summary>If-Match on a write: must be present, and a strong tag of a version (or <c>*</c>).</summary>
    public static (IfMatch Kind, long Version) ParseIfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return (IfMatch.Missing, 0);
        }

        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count != 1)
        {
            return (IfMatch.Malformed, 0);
        }

        var tag = tags[0];
        if (tag.Equals(EntityTagHeaderValue.Any))
        {
            return (IfMatch.Any, 0);
        }

        return !tag.IsWeak && long.TryParse(tag.Tag.AsSpan(1, tag.Tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (IfMatch.Version, version)
            : (IfMatch.Malformed, 0);
    }
}
