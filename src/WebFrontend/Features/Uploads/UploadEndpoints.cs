using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BlobStorage;
using Grains.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.Idempotency;
using WebFrontend.OpenApi;

namespace WebFrontend.Features.Uploads;

/// <summary>
/// Uploads (case C9): a customer declares a file and gets a signed, expiring link; the file's bytes are PUT to the link
/// without a token and streamed to the blob store as they arrive (never held whole in memory, cut at the signed size);
/// the upload's grain then validates what was stored in the background.
/// </summary>
public static partial class UploadEndpoints
{
    public const int MaxFileNameLength = 255;

    private const long ServerLimitSlack = 64 * 1024;

    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UploadLinks>();
        services.AddRateLimiter(options => options.AddPolicy<string, UploadConcurrency>(UploadConcurrency.PolicyName));
        return services;
    }

    public static void MapUploadEndpoints(this RouteGroupBuilder api)
    {
        var uploads = api.MapGroup("/uploads").WithTags("Uploads");
        uploads.MapPost("/", CreateAsync).RequirePermission(Permissions.UploadCreate).WithMetadata(new RequiresIdempotencyKey(recordedByResource: true))
            .Accepts<CreateUploadRequest>("application/json").Produces<UploadCreatedResponse>(StatusCodes.Status201Created)
            .WithName("createUpload").WithSummary("Ask for an upload link")
            .WithDescription("Declares a file (`file_name`, `content_type` from the allowed types, `size` in bytes) and answers a signed "
                + "`upload_url` (relative) that takes exactly that content type and at most `max_size` bytes until `expires_at`, with no token. "
                + $"Allowed types: {string.Join(", ", UploadContentTypes.All.Select(t => $"`{t}`"))}. A retry with the same `Idempotency-Key` "
                + "answers the same upload (`Idempotent-Replayed: true`); the key with another file is 422 `idempotency-key-reused`.");
        uploads.MapGet("/{id}", GetAsync).RequirePermission(Permissions.UploadRead, Permissions.UploadCreate)
            .Produces<UploadResponse>().ProducesProblemTypes(ProblemTypes.NotFound)
            .WithName("getUpload").WithSummary("Get an upload")
            .WithDescription("Its status (`PENDING_UPLOAD`, `UPLOADED`, `PROCESSING`, `VALID`, `REJECTED` with a `reason`), and once received "
                + "its `size` and `sha256`. Another customer's upload is a 404, like a missing one.");
        uploads.MapPut("/{id}/content", PutContentAsync).AllowAnonymous().WithMetadata(new StreamedRequestBody())
            .RequireRateLimiting(UploadConcurrency.PolicyName)
            .AllowQuery("expires", "max_size", "content_type", "signature")
            .Accepts<Stream>(UploadContentTypes.All.First(), [.. UploadContentTypes.All.Skip(1)])
            .Produces<UploadResponse>(StatusCodes.Status201Created)
            .ProducesProblemTypes(ProblemTypes.InvalidLink, ProblemTypes.NotFound, ProblemTypes.InvalidState)
            .WithName("putUploadContent").WithSummary("Upload a file's bytes")
            .WithDescription("The `upload_url` of an upload: the raw bytes as the body, `Content-Type` exactly as declared (else 415), "
                + "no token (the link's signature and expiry authorize it: 403 `invalid-link` when changed or expired, before any byte is read). "
                + "The body is streamed to storage: over `max_size` is 413, at once for a declared `Content-Length`, else at the first byte over, "
                + "and nothing is kept. Content for an upload that already has it is 409 `invalid-state`. Answers the upload as `UPLOADED`; "
                + "its validation follows (`GET /uploads/{id}`). Over `Uploads:MaxConcurrent` PUTs at once in this front end, "
                + "503 `overloaded` with `Retry-After`, before any byte is read.");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ClaimsPrincipal user, IGrainFactory grains, UploadLinks links,
        IOptions<UploadOptions> options, TimeProvider time)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.CreateUploadRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        FileName(errors, request!.FileName);
        if (errors.Required("content_type", request.ContentType) is { } contentType && !UploadContentTypes.IsAllowed(contentType))
        {
            errors.Add("content_type", $"Must be one of {string.Join(", ", UploadContentTypes.All)}.");
        }

        errors.Range("size", request.Size, 1, options.Value.MaxSize);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        // Whole seconds: the link carries the expiry as Unix seconds, and answers the same instant.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((time.GetUtcNow() + options.Value.LinkLifetime).ToUnixTimeSeconds());
        var uploadId = IdFor(user.UserId(), context.Request.Headers[IdempotencyMiddleware.KeyHeader].ToString());
        var creation = await grains.GetGrain<IUploadGrain>(uploadId).Create(
            new CreateUpload(user.UserId(), request.FileName!, request.ContentType!, request.Size!.Value, expiresAt));
        if (creation.Status == UploadCreationStatus.Conflict)
        {
            return Problem.Of(context, StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency-Key reused.",
                "This key already asked for an upload of another file.");
        }

        if (creation.Status == UploadCreationStatus.AlreadyExists)
        {
            context.Response.Headers[IdempotencyMiddleware.ReplayedHeader] = "true";
        }

        // The link is signed again from what the upload recorded, so a replay answers the same link, byte for byte.
        var upload = creation.Upload!;
        context.Response.Headers.Location = $"/api/v1/uploads/{uploadId}";
        var url = links.Create(uploadId, upload.ContentType, upload.DeclaredSize, upload.ExpiresAt);
        return TypedResults.Json(new UploadCreatedResponse(uploadId, url, upload.ExpiresAt.UtcDateTime, upload.DeclaredSize),
            ApiJson.Context.UploadCreatedResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var upload = FieldErrors.IsIdentifier(id) ? await grains.GetGrain<IUploadGrain>(id).Get() : null;
        if (upload is null || !user.MayAccess(upload.OwnerId, Permissions.UploadRead, Permissions.UploadCreate))
        {
            return Problem.NotFound(context, $"No upload {id}.");
        }

        return TypedResults.Json(Response(upload), ApiJson.Context.UploadResponse);
    }

    /// <summary>
    /// The checks that need no byte of the body come first — the link, the content type, a declared length, the upload's
    /// state — so a refused PUT reads nothing and writes nothing; then the body streams to the store.
    /// </summary>
    private static async Task<IResult> PutContentAsync(string id, HttpContext context, IGrainFactory grains, UploadLinks links, IBlobStore blobs,
        TimeProvider time, ILoggerFactory loggers)
    {
        var query = context.Request.Query;
        var link = FieldErrors.IsIdentifier(id)
            ? links.Check(id, query["expires"], query["max_size"], query["content_type"], query["signature"], time.GetUtcNow())
            : null;
        if (link is null)
        {
            return Problem.Of(context, StatusCodes.Status403Forbidden, ProblemTypes.InvalidLink, "Invalid upload link.",
                "The link's signature does not match its fields, or it has expired: ask for a new one.");
        }

        if (!string.Equals(context.Request.ContentType, link.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Problem.Of(context, StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type.",
                $"This link takes {link.ContentType} only.");
        }

        if (context.Request.ContentLength > link.MaxSize)
        {
            return TooLarge(context, link);
        }

        var upload = grains.GetGrain<IUploadGrain>(id);
        switch (await upload.CanReceive())
        {
            case UploadReceipt.NotFound:
                return Problem.NotFound(context, $"No upload {id}.");
            case UploadReceipt.NotPending:
                return AlreadyReceived(context, id);
        }

        // Past the front end's 1 MiB body limit (DeclaredBodySizeMiddleware skips this route). The counting stream cuts
        // the body at the signed size exactly; the server's own limit is only a backstop, with room to spare because
        // Kestrel counts a chunked body's bytes as it parses them, and so can refuse one that is exactly the limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } limit)
        {
            // A server without the feature (or one that already read the body) would cut the upload at its own 1 MiB
            // limit and the client would hear a misleading 413: this is the deployment's fault, so say so.
            LogBodyLimitUnavailable(loggers.CreateLogger(typeof(UploadEndpoints)), id);
            return Problem.Of(context, StatusCodes.Status500InternalServerError, ProblemTypes.InternalError, "Uploads are unavailable.",
                "This server cannot raise its request body limit for the upload; nothing was read or kept.");
        }

        limit.MaxRequestBodySize = link.MaxSize + ServerLimitSlack;

        // One key per attempt: two PUTs racing for one upload never write the same blob, and the loser's is deleted.
        var key = $"{UploadLinks.BlobPrefix(id)}/{Guid.NewGuid():N}";
        await using var content = new UploadContentStream(context.Request.Body, link.MaxSize);
        try
        {
            await blobs.WriteAsync(key, content, link.ContentType, context.RequestAborted);
        }
        catch (Exception exception) when (exception is UploadTooLargeException
            or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // The store's write failed with the read, so it kept nothing.
            return TooLarge(context, link);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-body: the write was cancelled and kept nothing; there is nobody to answer.
            return Results.Empty;
        }

        var received = await upload.Received(new ReceivedContent(key, content.Count, content.Sha256()));
        if (received.Receipt != UploadReceipt.Accepted)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
            return received.Receipt == UploadReceipt.NotFound ? Problem.NotFound(context, $"No upload {id}.") : AlreadyReceived(context, id);
        }

        context.Response.Headers.Location = $"/api/v1/uploads/{id}";
        return TypedResults.Json(Response(received.Upload!), ApiJson.Context.UploadResponse, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The upload's id from its owner and the request's Idempotency-Key, as an order's: a retry reaches the same upload.</summary>
    public static string IdFor(string ownerId, string idempotencyKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"upload\n{ownerId}\n{idempotencyKey}"), hash);
        return $"upl_{Convert.ToHexStringLower(hash[..16])}";
    }

    /// <summary>A file's name, not a path: 1–255 characters without separators, control characters or surrounding spaces.</summary>
    private static void FileName(FieldErrors errors, string? name)
    {
        errors.Text("file_name", name, MaxFileNameLength);
        if (name is not null && (name.AsSpan().IndexOfAny('/', '\\') >= 0 || name is "." or ".."))
        {
            errors.Add("file_name", "A file name, not a path: no '/' or '\\', not '.' or '..'.");
        }
    }

    private static UploadResponse Response(UploadView upload)
        => new(upload.Id, UploadStatusNames.Of(upload.Status), upload.FileName, upload.ContentType, upload.DeclaredSize, upload.Size, upload.Sha256,
            upload.Reason, upload.CreatedAt.UtcDateTime, upload.ExpiresAt.UtcDateTime);

    private static IResult TooLarge(HttpContext context, SignedUpload link)
        => Problem.Of(context, StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Upload too large.",
            $"This link takes at most {link.MaxSize} bytes; nothing was kept.");

    [LoggerMessage(420, LogLevel.Error, "Upload {UploadId}'s content refused: the server offers no writable request body limit (IHttpMaxRequestBodySizeFeature), so an upload over its own limit cannot be received.", EventName = "UploadBodyLimitUnavailable")]
    private static partial void LogBodyLimitUnavailable(ILogger logger, string uploadId);

    private static IResult AlreadyReceived(HttpContext context, string id)
        => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.InvalidState, "Upload already received.",
            $"Upload {id} already has its content.");
}
