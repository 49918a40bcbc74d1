using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BlobStorage;

/// <summary>
/// HMAC-SHA256 over a link's fields, base64url: what makes a download or upload link work without a bearer token and
/// stop working when any field (key, size, type, expiry) is changed. Fields are length-prefixed, so no two field lists
/// sign alike.
/// </summary>
public sealed class LinkSignature
{
    private readonly byte[] _key;

    private LinkSignature(byte[] key) => _key = key;

    /// <summary>
    /// A signature keyed by HKDF-SHA256 from a secret the front ends already share (their token key) and a purpose, so
    /// no new secret is needed, a link signature never works as a token's or another purpose's, and rotating the
    /// secret revokes every link.
    /// </summary>
    public static LinkSignature Derive(string secret, string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        return new LinkSignature(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), HMACSHA256.HashSizeInBytes, salt: [], info: Encoding.UTF8.GetBytes(purpose)));
    }

    public string Sign(params ReadOnlySpan<string> fields) => Base64Url.EncodeToString(Compute(fields));

    /// <summary>Whether <paramref name="signature"/> signs exactly these fields, compared in constant time.</summary>
    public bool Verifies(string? signature, params ReadOnlySpan<string> fields)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[48];
        if (Base64Url.DecodeFromChars(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != HMACSHA256.HashSizeInBytes)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given[..written], Compute(fields));
    }

    /// <summary>
    /// The check every link shares: <paramref name="expires"/> is Unix seconds, digits only, still ahead of
    /// <paramref name="now"/>, and <paramref name="signature"/> signs <paramref name="fields"/> followed by it.
    /// </summary>
    public bool VerifiesUnexpired(string? signature, string? expires, DateTimeOffset now, params ReadOnlySpan<string> fields)
        => long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            && now.ToUnixTimeSeconds() < expiresAt
            && Verifies(signature, [.. fields, expires!]);

    private byte[] Compute(ReadOnlySpan<string> fields)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            text.Append(field.Length).Append(':').Append(field).Append('\n');
        }

        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
