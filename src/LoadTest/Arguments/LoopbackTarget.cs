using System.Net;

namespace LoadTest.Arguments;

/// <summary>
/// Whether a URL points at this machine. A load test sends traffic only to loopback: <c>localhost</c> or a literal
/// address in 127.0.0.0/8 or ::1. Other names are refused rather than resolved, since a name can resolve anywhere.
/// </summary>
public static class LoopbackTarget
{
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }

        if (string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address);
    }
}
