using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WebFrontend.Http;
using WebFrontend.RateLimiting;

namespace WebFrontend.Features.Uploads;

/// <summary>
/// The bound on uploads' content PUTs in this front end, for all clients together: up to Uploads:MaxConcurrent at once,
/// no queue. A PUT needs no token and may stream up to Uploads:MaxSize (2 GiB), holding a socket, a blob write and,
/// with S3, an 8 MiB part buffer the whole time; one signed link bounds one upload's bytes, not how many links are in
/// use at once. A PUT over the bound is the server's overload, so it is 503 <c>overloaded</c> with <c>Retry-After</c>,
/// before any byte of its body is read.
/// </summary>
public sealed class UploadConcurrency(IOptions<UploadOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "upload-content";

    /// <summary>What a shed PUT is told to wait: an upload in flight takes seconds to minutes, so a second is a floor, not a promise.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly int _maxConcurrent = options.Value.MaxConcurrent;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (rejected, _) =>
    {
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = ClientRateLimits.RetryAfterSeconds(RetryAfter);
        return new ValueTask(Problem.Of(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.Overloaded, "Too many uploads in flight.",
            "This front end is receiving as many uploads as it takes at once; nothing was read or kept, and the link still works. Retry shortly.")
            .ExecuteAsync(context));
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        => RateLimitPartition.GetConcurrencyLimiter(PolicyName, _ => new ConcurrencyLimiterOptions { PermitLimit = _maxConcurrent, QueueLimit = 0 });
}
