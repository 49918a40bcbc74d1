using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Grains.Idempotency;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Http;

namespace WebFrontend.Idempotency;

/// <summary>
/// Marks an endpoint as requiring an <c>Idempotency-Key</c> (API.md [idem]). <paramref name="recordedByResource"/>: the
/// resource the request creates is itself the key's record (an order's id derives from its customer and key, and the
/// order grain answers a repeat with the order it placed), so the key is only checked here and nothing is stored for
/// it: a grain activation and two database writes fewer on the hot path.
/// </summary>
public sealed class RequiresIdempotencyKey(bool recordedByResource = false)
{
    public bool RecordedByResource => recordedByResource;
}

/// <summary>
/// The IETF Idempotency-Key draft on top of the user's key grain (case C3): the first request under a key runs and
/// its response is stored; a retry with the same fingerprint (method, path, body) gets that response replayed with
/// <c>Idempotent-Replayed: true</c>, one with another fingerprint 422, and one while the first still runs waits for it
/// briefly, then 409. Runs after authorization: keys belong to users.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IGrainFactory grains, IOptions<FrontendOptions> options)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Response headers worth replaying (the rest are per response, such as the request id and date).</summary>
    private static readonly string[] s_replayedHeaders = ["Location", "ETag"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresIdempotencyKey>() is not { } requirement || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var keys = context.Request.Headers[KeyHeader];
        if (keys.Count == 0)
        {
            await Problem.Of(context, StatusCodes.Status400BadRequest, ProblemTypes.IdempotencyKeyMissing, "Idempotency-Key required.",
                "This request changes state: send an Idempotency-Key header so that retrying it is safe.").ExecuteAsync(context);
            return;
        }

        if (keys.Count > 1 || !IsWellFormed(keys[0]))
        {
            await Problem.Of(context, StatusCodes.Status400BadRequest, ProblemTypes.IdempotencyKeyInvalid, "Invalid Idempotency-Key.",
                "An Idempotency-Key is 1 to 255 printable ASCII characters, sent once.").ExecuteAsync(context);
            return;
        }

        if (requirement.RecordedByResource)
        {
            await next(context);
            return;
        }

        if (await RequestBody.ReadAsync(context) is not { } body)
        {
            await JsonBody.TooLarge(context).ExecuteAsync(context);
            return;
        }

        var fingerprint = Fingerprint(context.Request, body);
        var key = grains.GetGrain<IIdempotencyGrain>(IdempotencyKeys.GrainKey(context.User.UserId(), keys[0]!));
        var decision = await key.Begin(fingerprint, options.Value.IdempotencyInFlightWait);
        switch (decision.Kind)
        {
            case IdempotencyDecisionKind.Replay:
                await ReplayAsync(context, decision.Response!);
                return;
            case IdempotencyDecisionKind.FingerprintMismatch:
                await Problem.Of(context, StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency-Key reused.",
                    "This key was used for a different request (method, path or body).").ExecuteAsync(context);
                return;
            case IdempotencyDecisionKind.InFlight:
                context.Response.Headers.RetryAfter = "1";
                await Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.IdempotencyKeyInFlight, "Request in progress.",
                    "The first request with this key is still running; retry shortly.").ExecuteAsync(context);
                return;
        }

        await RunAndStoreAsync(context, key, fingerprint);
    }

    private async Task RunAndStoreAsync(HttpContext context, IIdempotencyGrain key, string fingerprint)
    {
        var client = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = client;
            await key.Abandon(fingerprint);
            throw;
        }

        context.Response.Body = client;
        var response = context.Response;

        // A server-side failure is worth retrying, so it is not remembered; anything else is the request's answer.
        if (response.StatusCode >= 500)
        {
            await key.Abandon(fingerprint);
        }
        else
        {
            var headers = s_replayedHeaders
                .Where(name => response.Headers.ContainsKey(name))
                .ToImmutableDictionary(name => name, name => response.Headers[name].ToString());
            await key.Complete(fingerprint, new StoredResponse(response.StatusCode, response.ContentType, Encoding.UTF8.GetString(captured.GetBuffer(), 0, (int)captured.Length), headers));
        }

        captured.Position = 0;
        await captured.CopyToAsync(client, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        response.ContentType = stored.ContentType;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers[ReplayedHeader] = "true";
        await response.WriteAsync(stored.Body, context.RequestAborted);
    }

    private static string Fingerprint(HttpRequest request, RequestBody body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        hash.AppendData(body.Bytes.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static bool IsWellFormed(string? key) => key is { Length: > 0 and <= 255 } && key.All(c => c is >= '!' and <= '~' || c == ' ');
}
