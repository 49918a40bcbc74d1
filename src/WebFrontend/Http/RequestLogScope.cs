using System.Collections;
using Grains.Diagnostics;
using WebFrontend.Auth;

namespace WebFrontend.Http;

/// <summary>
/// A request's logging scope: its id from the first middleware on, and the signed-in user once authentication has run
/// (<see cref="RequestUserLogMiddleware"/>). One scope filled in as the request goes, rather than a second one opened
/// after authentication, so that the lines logged outside that point — the exception handler's, the request's end —
/// name the user too.
/// </summary>
public sealed class RequestLogScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string RequestId { get; } = requestId;

    /// <summary>Set once, by the request's own pipeline, before anything it runs logs concurrently.</summary>
    public string? UserId { get; set; }

    public int Count => UserId is null ? 1 : 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(RequestContextKeys.RequestId, RequestId),
        1 when UserId is not null => new(RequestContextKeys.UserId, UserId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a text console prints for the scope.</summary>
    public override string ToString() => UserId is null ? $"request_id:{RequestId}" : $"request_id:{RequestId} user_id:{UserId}";
}

/// <summary>Names the signed-in user in the request's <see cref="RequestLogScope"/>; runs right after authentication.</summary>
public sealed class RequestUserLogMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.Features.Get<RequestLogScope>() is { } scope)
        {
            scope.UserId = context.User.UserId();
        }

        return next(context);
    }
}
