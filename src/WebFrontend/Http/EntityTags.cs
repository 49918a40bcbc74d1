using System.Globalization;

namespace WebFrontend.Http;

/// <summary>ETags are a resource's version in quotes; conditional requests compare versions (RFC 9110 §13).</summary>
public static class EntityTags
{
    public static string Of(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The one version whose ETag can strongly match an If-Match list, or null when the list names none or several.
    /// Weak tags and tags <see cref="Of"/> never writes (<c>"01"</c>, <c>"abc"</c>) cannot match, so they do not count.
    /// </summary>
    public static long? OnlyVersion(EntityTagHeader ifMatch)
    {
        long? only = null;
        foreach (var tag in ifMatch)
        {
            if (!tag.IsWeak && IsVersion(tag.Opaque, out var version))
            {
                if (only is { } other && other != version)
                {
                    return null;
                }

                only = version;
            }
        }

        return only;
    }

    /// <summary>Decimal digits without sign or leading zero, as <see cref="Of"/> writes them.</summary>
    private static bool IsVersion(ReadOnlySpan<char> opaque, out long version)
    {
        version = 0;
        return opaque.Length > 0 && (opaque[0] != '0' || opaque.Length == 1)
            && long.TryParse(opaque, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
