using System.Globalization;

namespace BlobStorage;

/// <summary>
/// Download links for a store that cannot presign (the filesystem): a front end path, <c>/api/v1/blobs/{key}</c>, whose
/// query carries the file name, content type, expiry (Unix seconds) and an HMAC of all four with the key. The front
/// end that serves the path checks it with <see cref="Check"/> before it opens anything.
/// </summary>
public sealed class SignedBlobLinks(LinkSignature signature)
{
    public const string PathPrefix = "/api/v1/blobs/";
    public const string NameParameter = "name";
    public const string TypeParameter = "type";
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";
    private const string Purpose = "blob-download";

    public Uri Create(string key, string fileName, string contentType, DateTimeOffset expiresAt)
    {
        BlobKey.Check(key);
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = signature.Sign(Purpose, key, fileName, contentType, expires);
        var query = $"{NameParameter}={Uri.EscapeDataString(fileName)}&{TypeParameter}={Uri.EscapeDataString(contentType)}&{ExpiresParameter}={expires}&{SignatureParameter}={signed}";
        return new Uri($"{PathPrefix}{key}?{query}", UriKind.Relative);
    }

    /// <summary>Whether the link's fields are as signed and it has not expired at <paramref name="now"/>.</summary>
    public bool Check(string key, string? fileName, string? contentType, string? expires, string? signed, DateTimeOffset now)
        => BlobKey.IsValid(key) && fileName is not null && contentType is not null
            && signature.VerifiesUnexpired(signed, expires, now, Purpose, key, fileName, contentType);
}
