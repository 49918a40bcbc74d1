using System.Buffers;

namespace WebFrontend.Http;

/// <summary>
/// Gives every request an id, the client's <c>X-Request-Id</c> if well formed or a new one, and echoes it on the
/// response; problems and logs carry it too, so one id follows a request through every silo's logs.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";

    private static readonly SearchValues<char> s_allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    public async Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[HeaderName];
        var id = supplied.Count == 1 && IsWellFormed(supplied[0]) ? supplied[0]! : Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        context.Response.OnStarting(() =>
        {
            // Set as the response starts: an exception handler clears the headers set before it.
            context.Response.Headers[HeaderName] = id;
            return Task.CompletedTask;
        });
        var scope = new RequestLogScope(id);
        context.Features.Set(scope);
        using (logger.BeginScope(scope))
        {
            await next(context);
        }
    }

    private static bool IsWellFormed(string? id) => id is { Length: > 0 and <= 128 } && !id.AsSpan().ContainsAnyExcept(s_allowed);
}
