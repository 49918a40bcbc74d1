using BlobStorage;
using WebFrontend.Http;
using WebFrontend.OpenApi;

namespace WebFrontend.Features.Blobs;

/// <summary>
/// Downloads of the filesystem store's blobs through the links it hands out (<see cref="SignedBlobLinks"/>). No bearer
/// token: the link's signature over key, name, type and expiry is the authorization, checked before anything is
/// opened. Stores that presign their own links (S3) are never reached through here.
/// </summary>
public static class BlobEndpoints
{
    public static void MapBlobEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/blobs/{**key}", DownloadAsync).AllowAnonymous().WithTags("Files")
            .AllowQuery(SignedBlobLinks.NameParameter, SignedBlobLinks.TypeParameter, SignedBlobLinks.ExpiresParameter, SignedBlobLinks.SignatureParameter)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .ProducesProblemTypes(ProblemTypes.InvalidLink, ProblemTypes.NotFound)
            .WithName("downloadBlob").WithSummary("Download a file through a signed link")
            .WithDescription("The `download_url` an export or upload hands out when files are kept on the filesystem: no bearer token, the link's "
                + "`signature` (HMAC-SHA256 over key, `name`, `type` and `expires`) authorizes it until `expires`. Answers the file as an attachment "
                + "named `name` of content type `type`, with range requests (206) allowed. A changed field or an expired link is 403 `invalid-link`; "
                + "a file since deleted is 404.");
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, string key, SignedBlobLinks links, IBlobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        string? name = query[SignedBlobLinks.NameParameter];
        string? type = query[SignedBlobLinks.TypeParameter];
        if (!links.Check(key, name, type, query[SignedBlobLinks.ExpiresParameter], query[SignedBlobLinks.SignatureParameter], time.GetUtcNow()))
        {
            return Problem.Of(context, StatusCodes.Status403Forbidden, ProblemTypes.InvalidLink, "Invalid link.",
                "The link's signature does not match its fields, or the link has expired.");
        }

        Stream content;
        try
        {
            content = await store.OpenReadAsync(key, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            return Problem.NotFound(context, "The linked file no longer exists.");
        }

        // Always an attachment, never rendered in place, whatever type was signed (with nosniff and the API's CSP).
        return TypedResults.File(content, type, fileDownloadName: name, enableRangeProcessing: true);
    }
}
