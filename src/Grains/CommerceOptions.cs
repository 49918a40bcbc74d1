namespace Grains;

/// <summary>Business settings the grains use, bound from the "Commerce" section by the host.</summary>
public sealed class CommerceOptions
{
    public const string SectionName = "Commerce";

    /// <summary>How long an order waits for payment before it expires and gives its stock back.</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long after an order's deadline its stock and coupon holds lapse by themselves. The order releases them
    /// when it expires; this only matters if the order's saga died before it could.
    /// </summary>
    public TimeSpan HoldGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long past its hold time a product remembers a sale, so that an order repeating its request to be sold
    /// (its first answer was lost) sells nothing more. Orders repeat within seconds; this bounds what a product loads.
    /// </summary>
    public TimeSpan SaleMemory { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often grains look for expired orders and holds (at least the silo's minimum reminder period).</summary>
    public TimeSpan ExpiryCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a pending payment asks the gateway for its status, in case the gateway's call never comes (C16).</summary>
    public TimeSpan PaymentPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    public string Currency { get; set; } = "VND";

    /// <summary>How long an idempotency key's response is kept (at least 24 h by the API's contract).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request may stay in flight under a key before a retry may take over (its front end died).</summary>
    public TimeSpan IdempotencyInFlightLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each silo deletes the idempotency keys that outlived <see cref="IdempotencyRetention"/>.</summary>
    public TimeSpan IdempotencyPurgePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many expired keys one DELETE removes: short transactions, however many expired at once.</summary>
    public int IdempotencyPurgeBatchSize { get; set; } = 1_000;

    /// <summary>
    /// How far back a wallet activation loads the references it applied. Older references still apply once (the
    /// wallet looks them up in its stored history); only the recent ones are held in memory.
    /// </summary>
    public TimeSpan WalletDedupeWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Why these settings cannot work, or null: every period positive, the poll and sweep at least a second.</summary>
    public string? Problem()
        => PaymentWindow <= TimeSpan.Zero || HoldGrace < TimeSpan.Zero || SaleMemory <= TimeSpan.Zero || IdempotencyRetention <= TimeSpan.Zero
            || IdempotencyInFlightLease <= TimeSpan.Zero || WalletDedupeWindow <= TimeSpan.Zero
            ? "Commerce: PaymentWindow, SaleMemory, IdempotencyRetention, IdempotencyInFlightLease and WalletDedupeWindow are positive; HoldGrace is not negative."
            : ExpiryCheckPeriod < TimeSpan.FromSeconds(1) || PaymentPollInterval < TimeSpan.FromSeconds(1) || IdempotencyPurgePeriod < TimeSpan.FromSeconds(1)
                ? "Commerce: ExpiryCheckPeriod, PaymentPollInterval and IdempotencyPurgePeriod are at least one second."
                : IdempotencyPurgeBatchSize is < 1 or > 100_000
                    ? "Commerce: IdempotencyPurgeBatchSize is between 1 and 100000."
                    : string.IsNullOrWhiteSpace(Currency) ? "Commerce: Currency is an ISO 4217 code." : null;
}
