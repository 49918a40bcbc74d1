using Microsoft.Extensions.Options;

namespace WebFrontend.RateLimiting;

/// <summary>
/// The front end's rate limits, bound from the "RateLimits" section. Each front end process counts on its own: a
/// cluster of N front ends behind a load balancer lets a client N times these budgets and N times the order
/// concurrency.
/// </summary>
public sealed class ClientRateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Each client's budget for placing orders (<c>POST /orders</c>).</summary>
    public TokenBucketSettings Orders { get; set; } = new() { TokensPerPeriod = 2, Period = TimeSpan.FromSeconds(1), Burst = 10 };

    /// <summary>Each client's budget for every other request that changes state (any method but GET, HEAD, OPTIONS, TRACE).</summary>
    public TokenBucketSettings Writes { get; set; } = new() { TokensPerPeriod = 10, Period = TimeSpan.FromSeconds(1), Burst = 50 };

    /// <summary>Orders placed at once through this front end, by all clients together.</summary>
    public ConcurrencySettings OrderConcurrency { get; set; } = new();
}

/// <summary>A token bucket: it holds up to <see cref="Burst"/> requests and gets <see cref="TokensPerPeriod"/> back every <see cref="Period"/>.</summary>
public sealed class TokenBucketSettings
{
    public int TokensPerPeriod { get; set; }

    public TimeSpan Period { get; set; }

    public int Burst { get; set; }
}

public sealed class ConcurrencySettings
{
    /// <summary>Orders in flight at once; more wait in the queue.</summary>
    public int PermitLimit { get; set; } = 256;

    /// <summary>Orders waiting for a slot, oldest first; beyond them an order is shed at once (0: no waiting).</summary>
    public int QueueLimit { get; set; } = 512;

    /// <summary>What a shed order is told to wait (<c>Retry-After</c>).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Checked at start (ValidateOnStart): a limit that would refuse everything, or wait for nothing, stops the start.</summary>
public sealed class ClientRateLimitOptionsValidator : IValidateOptions<ClientRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Bucket(nameof(options.Orders), options.Orders, failures);
        Bucket(nameof(options.Writes), options.Writes, failures);
        var concurrency = options.OrderConcurrency;
        var prefix = $"{ClientRateLimitOptions.SectionName}:{nameof(options.OrderConcurrency)}";
        if (concurrency.PermitLimit < 1)
        {
            failures.Add($"{prefix}:{nameof(concurrency.PermitLimit)} is at least 1.");
        }

        if (concurrency.QueueLimit < 0)
        {
            failures.Add($"{prefix}:{nameof(concurrency.QueueLimit)} is 0 or more.");
        }

        if (concurrency.RetryAfter <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:{nameof(concurrency.RetryAfter)} is positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Bucket(string name, TokenBucketSettings bucket, List<string> failures)
    {
        var prefix = $"{ClientRateLimitOptions.SectionName}:{name}";
        if (bucket.TokensPerPeriod < 1)
        {
            failures.Add($"{prefix}:{nameof(bucket.TokensPerPeriod)} is at least 1.");
        }

        if (bucket.Period <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}:{nameof(bucket.Period)} is positive.");
        }

        // A bucket smaller than one period's refill would silently cap the rate below what TokensPerPeriod says.
        if (bucket.Burst < Math.Max(1, bucket.TokensPerPeriod))
        {
            failures.Add($"{prefix}:{nameof(bucket.Burst)} is at least 1 and at least {nameof(bucket.TokensPerPeriod)}.");
        }
    }
}
