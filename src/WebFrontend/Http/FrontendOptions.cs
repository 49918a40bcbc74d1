namespace WebFrontend.Http;

/// <summary>Settings of the HTTP front end, bound from the "Frontend" section.</summary>
public sealed class FrontendOptions
{
    public const string SectionName = "Frontend";

    /// <summary>Largest request body accepted (413 beyond it).</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a retry waits for the first request under its idempotency key to finish before answering 409.</summary>
    public TimeSpan IdempotencyInFlightWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a front end remembers that a product had no flash sale, and so lets orders for it go straight to the
    /// saga without asking the product first (zero: always ask). A sale set meanwhile is still enforced, by the saga.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SaleAdmissionMemory { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed demo products, wallets and a coupon when hosting the silo in process (no database).</summary>
    public bool SeedDemoData { get; set; } = true;
}
