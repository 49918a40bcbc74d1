using BlobStorage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;

namespace WebFrontend.Features.Blobs;

public static class BlobAccess
{
    /// <summary>Purpose of the key that signs download links; upload links sign with their own.</summary>
    public const string DownloadLinkPurpose = "commerce/blob-download-links";

    /// <summary>
    /// The blob store ("BlobStorage" section) and, for its filesystem downloads, links signed with a key derived from
    /// <c>Auth:SigningKey</c>, which every front end of a deployment already shares.
    /// </summary>
    public static IServiceCollection AddBlobAccess(this IServiceCollection services)
    {
        // Link expiry is checked against it; Orleans registers the same, this is for a host without it.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new SignedBlobLinks(
            LinkSignature.Derive(provider.GetRequiredService<IOptions<AuthOptions>>().Value.SigningKey, DownloadLinkPurpose)));
        services.AddBlobStorage();
        return services;
    }
}
