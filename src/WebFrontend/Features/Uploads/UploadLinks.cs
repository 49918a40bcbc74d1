using System.Globalization;
using BlobStorage;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;

namespace WebFrontend.Features.Uploads;

/// <summary>
/// An upload's link: <c>/api/v1/uploads/{id}/content?expires=&amp;max_size=&amp;content_type=&amp;signature=</c>, an
/// HMAC-SHA256 over the upload id, its blob key prefix, content type, maximum size and expiry (Unix seconds), keyed
/// from <c>Auth:SigningKey</c> for this purpose only. Whoever holds the link may PUT that many bytes of that type
/// until then, with no token; changing any field breaks the signature.
/// </summary>
public sealed class UploadLinks(IOptions<AuthOptions> auth)
{
    /// <summary>The key's purpose: a download link's signature never works as an upload's, nor a token's.</summary>
    public const string Purpose = "commerce/upload-links";

    private readonly LinkSignature _signature = LinkSignature.Derive(auth.Value.SigningKey, Purpose);

    /// <summary>Where an upload's bytes go: under this prefix, one key per attempt (<see cref="UploadEndpoints"/>).</summary>
    public static string BlobPrefix(string uploadId) => $"uploads/{uploadId}";

    public string Create(string uploadId, string contentType, long maxSize, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var size = maxSize.ToString(CultureInfo.InvariantCulture);
        var signed = _signature.Sign(uploadId, BlobPrefix(uploadId), contentType, size, expires);
        return $"/api/v1/uploads/{uploadId}/content?expires={expires}&max_size={size}&content_type={Uri.EscapeDataString(contentType)}&signature={signed}";
    }

    /// <summary>The link's maximum size when its fields are as signed and it has not expired at <paramref name="now"/>; else null.</summary>
    public SignedUpload? Check(string uploadId, string? expires, string? maxSize, string? contentType, string? signature, DateTimeOffset now)
        => contentType is not null
            && long.TryParse(maxSize, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && _signature.VerifiesUnexpired(signature, expires, now, uploadId, BlobPrefix(uploadId), contentType, maxSize!)
            ? new SignedUpload(contentType, size)
            : null;
}

/// <summary>What a valid upload link allows.</summary>
public sealed record SignedUpload(string ContentType, long MaxSize);
