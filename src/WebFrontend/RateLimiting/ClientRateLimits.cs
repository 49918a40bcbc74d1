using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Hosting;
using WebFrontend.Http;

namespace WebFrontend.RateLimiting;

/// <summary>Which of a client's token buckets a request spends from.</summary>
public enum RateLimitBudget
{
    /// <summary>Reads: not limited.</summary>
    None,
    Orders,
    Writes,
}

/// <summary>
/// ASP.NET Core's rate limiter in front of the API. Its global limiter gives every client (the signed-in user, else the
/// client address) a token bucket for placing orders and one for other writes; over either, 429 <c>rate-limited</c>.
/// Then the order placement policy (<see cref="OrderPlacementConcurrency"/>) bounds the orders in flight in this
/// process. Both run after authentication (to know the user) and before authorization, the body, the idempotency
/// layer and any grain call, so a refused request reads and writes nothing. The global limiter runs first: a client
/// over its own budget is refused before it can take a place in the shared order queue.
/// </summary>
public static class ClientRateLimits
{
    public static IServiceCollection AddClientRateLimits(this IServiceCollection services)
    {
        services.AddOptions<ClientRateLimitOptions>().BindConfiguration(ClientRateLimitOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClientRateLimitOptions>, ClientRateLimitOptionsValidator>());
        services.AddRateLimiter(options => options.AddPolicy<string, OrderPlacementConcurrency>(OrderPlacementConcurrency.PolicyName));
        services.TryAddSingleton<FrontendMetrics>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ClientRateLimitOptions>, FrontendMetrics>((options, limits, metrics) =>
        {
            var settings = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, ClientBudget>(context =>
            {
                var budget = BudgetOf(context);
                if (budget == RateLimitBudget.None)
                {
                    return RateLimitPartition.GetNoLimiter(ClientBudget.Unlimited);
                }

                var bucket = SettingsOf(settings, budget);
                return RateLimitPartition.GetTokenBucketLimiter(new ClientBudget(budget, ClientOf(context)), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = bucket.Burst,
                    TokensPerPeriod = bucket.TokensPerPeriod,
                    ReplenishmentPeriod = bucket.Period,
                    QueueLimit = 0,
                });
            });
            options.OnRejected = (rejected, _) =>
            {
                var context = rejected.HttpContext;
                var budget = BudgetOf(context);
                metrics.RateLimited(budget);
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : SettingsOf(settings, budget).Period;
                var seconds = RetryAfterSeconds(wait);
                context.Response.Headers.RetryAfter = seconds;
                var what = budget == RateLimitBudget.Orders ? "orders" : "changes";
                return new ValueTask(Problem.Of(context, StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "Too many requests.",
                    $"This client has used up its budget of {what} for now; retry after {seconds} s.").ExecuteAsync(context));
            };
        });
        return services;
    }

    /// <summary>The budget a request spends from: placing an order, another write, or none for a read.</summary>
    public static RateLimitBudget BudgetOf(string method, EnableRateLimitingAttribute? policy)
    {
        if (policy?.PolicyName == OrderPlacementConcurrency.PolicyName)
        {
            return RateLimitBudget.Orders;
        }

        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)
            ? RateLimitBudget.None
            : RateLimitBudget.Writes;
    }

    /// <summary>Whole seconds, at least one, as <c>Retry-After</c> wants them.</summary>
    public static string RetryAfterSeconds(TimeSpan wait)
        => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static RateLimitBudget BudgetOf(HttpContext context)
        => BudgetOf(context.Request.Method, context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>());

    private static TokenBucketSettings SettingsOf(ClientRateLimitOptions settings, RateLimitBudget budget)
        => budget == RateLimitBudget.Orders ? settings.Orders : settings.Writes;

    /// <summary>
    /// The user a valid bearer token names, else the client address: the socket's peer, or what a configured proxy
    /// forwarded (TrustedForwardedHeadersMiddleware has already put it in RemoteIpAddress; a header from anyone else
    /// never gets there). An IPv6 client is counted by its /64, which one subscriber usually holds whole.
    /// </summary>
    private static string ClientOf(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(ClaimNames.Subject) is { } subject)
        {
            return "user:" + subject;
        }

        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return "ip:" + address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"ip:{new IPAddress(bytes)}/64";
        }

        return "ip:" + address;
    }

    private readonly record struct ClientBudget(RateLimitBudget Budget, string Client)
    {
        public static ClientBudget Unlimited { get; } = new(RateLimitBudget.None, "");
    }
}
