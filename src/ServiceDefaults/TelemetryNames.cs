namespace ServiceDefaults;

/// <summary>
/// The activity sources and meters the product's processes collect. Code that starts spans or counts things uses these
/// names, so what it emits is exported without touching <see cref="CommerceTelemetry"/>.
/// </summary>
public static class TelemetryNames
{
    /// <summary>Every meter of ours is named <c>Commerce.&lt;area&gt;</c>; this pattern exports them all.</summary>
    public const string CommerceMeters = "Commerce.*";

    /// <summary>
    /// The outbox relay's spans: one per batch, and one producer span per event published (<c>publish order.paid</c>)
    /// in the trace the event was raised in.
    /// </summary>
    public const string OutboxActivitySource = "Commerce.Outbox";

    /// <summary>The notifications consumer's spans: one per event handled (<c>process order.paid</c>), continuing its publish span.</summary>
    public const string NotificationsActivitySource = "Commerce.Notifications";

    /// <summary>
    /// Orleans 10's spans for calls to application grains (<c>Orleans.Diagnostics.ActivitySources</c>), client and
    /// server side, emitted where activity propagation is on (<c>AddActivityPropagation</c>): the grain calls a
    /// request makes.
    /// </summary>
    public const string OrleansApplicationActivitySource = "Microsoft.Orleans.Application";

    /// <summary>Orleans 10's spans for calls to its own grains and system targets (management grain, directory, reminders).</summary>
    public const string OrleansRuntimeActivitySource = "Microsoft.Orleans.Runtime";

    /// <summary>Orleans' meter: messaging, gateway, catalog (activations), directory, scheduler, storage, reminders.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The runtime's own meter (.NET 9+): GC, heap, thread pool, exceptions; observed only when scraped.</summary>
    public const string RuntimeMeter = "System.Runtime";
}
