using Microsoft.AspNetCore.Diagnostics;
using Grains.Storage;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;

namespace WebFrontend.Http;

/// <summary>
/// Unhandled exceptions as problems: the cluster being momentarily unreachable (a silo failing over, a call timing
/// out) is a 503 worth retrying; anything else a 500 whose details stay in the logs.
/// </summary>
public sealed partial class GrainExceptionHandler(IProblemDetailsService problems, ILogger<GrainExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            return await WriteBadRequestAsync(httpContext, badRequest);
        }

        var unavailable = IsUnavailable(exception);
        var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (unavailable)
        {
            LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = "1";
        }
        else
        {
            LogFailed(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Type = unavailable ? ProblemTypes.ServiceUnavailable : ProblemTypes.InternalError,
            Title = unavailable ? "Service temporarily unavailable." : "Internal error.",
            Detail = unavailable ? "Part of the cluster is unreachable; retry shortly." : "The request failed; its request id finds it in the logs.",
        };
        Problem.Complete(problem, httpContext);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// The server refused what the client sent before an endpoint could (a body over the size limit, say, read by the
    /// antiforgery check of a form): the client's fault, with the server's status, not a 500.
    /// </summary>
    private async ValueTask<bool> WriteBadRequestAsync(HttpContext httpContext, BadHttpRequestException exception)
    {
        httpContext.Response.StatusCode = exception.StatusCode;
        var problem = new ProblemDetails
        {
            Status = exception.StatusCode,
            Type = ProblemTypes.ForStatus(exception.StatusCode),
            Title = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : "Bad request.",
            Detail = exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The body is over the size limit." : "The request could not be read.",
        };
        Problem.Complete(problem, httpContext);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// The cluster could not take the call right now, and a retry is likely to succeed: no gateway or silo reachable,
    /// a silo failing over or shutting down, a call timing out, a write refused after its grain's storage failed.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
        => exception is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException
            or TimeoutException or GroupCommitFailedException or Orleans.Storage.InconsistentStateException
            or OrleansException { InnerException: System.Data.Common.DbException or TimeoutException };

    [LoggerMessage(1, LogLevel.Warning, "{Method} {Path}: the cluster is unreachable.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(2, LogLevel.Error, "{Method} {Path} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path);
}
