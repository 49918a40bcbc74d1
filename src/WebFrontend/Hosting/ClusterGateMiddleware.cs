using WebFrontend.Http;

namespace WebFrontend.Hosting;

/// <summary>Marks an endpoint that needs the silo cluster: until the front end is connected it answers 503.</summary>
public sealed class RequiresCluster;

/// <summary>Answers 503 with <c>Retry-After</c> for endpoints that call grains while the front end is not connected yet.</summary>
public sealed class ClusterGateMiddleware(RequestDelegate next, ClusterConnection connection)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (connection.IsConnected || context.GetEndpoint()?.Metadata.GetMetadata<RequiresCluster>() is null)
        {
            return next(context);
        }

        context.Response.Headers.RetryAfter = "1";
        return Problem.Of(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.ServiceUnavailable, "Service temporarily unavailable.",
            "The front end is not connected to the silo cluster yet; retry shortly.").ExecuteAsync(context);
    }
}
