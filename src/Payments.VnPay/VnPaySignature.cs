using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Payments.VnPay;

/// <summary>
/// VNPay's checksums: hex HMAC-SHA512 with the merchant's hash secret. Over a pay URL, an IPN or a return URL the
/// signed data is every <c>vnp_</c> parameter with a value except the hash itself, sorted by name (ordinal),
/// each written as form-URL-encoded <c>key=value</c> (as PHP's <c>urlencode</c>: space as <c>+</c>, upper-case
/// escapes), joined by <c>&amp;</c>.
/// querydr messages instead sign their fields' values joined by <c>|</c> in a fixed order.
/// </summary>
public static class VnPaySignature
{
    /// <summary>The hex HMAC-SHA512 of <paramref name="data"/> under <paramref name="secret"/> (lower case).</summary>
    public static string Compute(string secret, string data)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(data);
        return Convert.ToHexStringLower(HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(data)));
    }

    /// <summary>The signed data of a query string: the canonical <c>key=value&amp;…</c> form described above.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var signed = fields
            .Where(f => IsSigned(f.Key) && !string.IsNullOrEmpty(f.Value))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => Encode(f.Key) + "=" + Encode(f.Value!));
        return string.Join('&', signed);
    }

    /// <summary>
    /// Form-URL-encoding as VNPay's PHP reference (<c>urlencode</c>) does it: letters, digits and <c>-_.</c> stay,
    /// space becomes <c>+</c>, everything else <c>%XX</c>. .NET's encoder leaves <c>!*()</c> as they are, so they are
    /// escaped here; otherwise a value holding one would be signed differently from how the gateway signs it.
    /// </summary>
    private static string Encode(string value)
        => WebUtility.UrlEncode(value)
            .Replace("!", "%21", StringComparison.Ordinal)
            .Replace("*", "%2A", StringComparison.Ordinal)
            .Replace("(", "%28", StringComparison.Ordinal)
            .Replace(")", "%29", StringComparison.Ordinal);

    /// <summary>The checksum of a pay URL's, IPN's or return URL's parameters.</summary>
    public static string SignQuery(string secret, IEnumerable<KeyValuePair<string, string?>> fields)
        => Compute(secret, CanonicalQuery(fields));

    /// <summary>Whether <paramref name="hash"/> is the checksum of <paramref name="fields"/>; compared in constant time.</summary>
    public static bool VerifyQuery(string secret, IEnumerable<KeyValuePair<string, string?>> fields, string? hash)
        => Matches(SignQuery(secret, fields), hash);

    /// <summary>Compares two hex checksums in constant time (case-insensitive, as VNPay sends either case).</summary>
    public static bool Matches(string expected, string? actual)
    {
        if (actual is null || actual.Length != expected.Length)
        {
            return false;
        }

        var left = Encoding.ASCII.GetBytes(expected.ToLowerInvariant());
        var right = Encoding.ASCII.GetBytes(actual.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(left, right);
    }

    /// <summary>A query string signed for VNPay: the canonical parameters followed by <c>vnp_SecureHash</c>.</summary>
    public static string SignedQueryString(string secret, IEnumerable<KeyValuePair<string, string?>> fields)
    {
        var canonical = CanonicalQuery(fields);
        return canonical + "&" + VnPayFields.SecureHash + "=" + Compute(secret, canonical);
    }

    private static bool IsSigned(string key)
        => key.StartsWith(VnPayFields.Prefix, StringComparison.Ordinal) && key is not (VnPayFields.SecureHash or VnPayFields.SecureHashType);
}
