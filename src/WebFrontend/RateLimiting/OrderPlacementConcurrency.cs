using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WebFrontend.Hosting;
using WebFrontend.Http;

namespace WebFrontend.RateLimiting;

/// <summary>
/// The order path's concurrency bound in this front end, for all clients together: up to
/// RateLimits:OrderConcurrency:PermitLimit orders in flight, then up to QueueLimit waiting (oldest first), then shed.
/// A shed order is the server's overload, not the client's excess, so it is 503 <c>overloaded</c> with
/// <c>Retry-After</c>, not 429. Endpoints opt in with <c>RequireRateLimiting(PolicyName)</c>, which also makes them
/// spend from the clients' order budget (<see cref="ClientRateLimits"/>).
/// </summary>
public sealed class OrderPlacementConcurrency(IOptions<ClientRateLimitOptions> options, FrontendMetrics metrics) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "order-placement";

    private readonly ConcurrencySettings _settings = options.Value.OrderConcurrency;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (rejected, _) =>
    {
        var context = rejected.HttpContext;
        metrics.OrderShed();
        context.Response.Headers.RetryAfter = ClientRateLimits.RetryAfterSeconds(_settings.RetryAfter);
        return new ValueTask(Problem.Of(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.Overloaded, "Too many orders in flight.",
            "This front end is placing as many orders as it takes at once and its queue is full; nothing was placed. Retry shortly.").ExecuteAsync(context));
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        => RateLimitPartition.GetConcurrencyLimiter(PolicyName, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = _settings.PermitLimit,
            QueueLimit = _settings.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
}
