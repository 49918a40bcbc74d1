using System.Text.RegularExpressions;

namespace WebFrontend.Http;

public static partial class Rfc3339
{
    /// <summary>A full RFC 3339 date-time: seconds, optional fraction, and a Z or numeric offset.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    public static partial Regex Timestamp();
}
