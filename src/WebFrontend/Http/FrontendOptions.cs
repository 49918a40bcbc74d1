namespace WebFrontend.Http;

/// <summary>Settings of the HTTP front end, bound from the "Frontend" section.</summary>
public sealed class FrontendOptions
{
    public const string SectionName = "Frontend";

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a retry waits for the first request under its idempotency key to finish before answering 409.</summary>
    public TimeSpan IdempotencyInFlightWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed demo products, wallets and a coupon when hosting the silo in process (no database).</summary>
    public bool SeedDemoData { get; set; } = true;
}
