namespace PaymentGateway.Ipn;

/// <summary>How IPNs are delivered, bound from the "Ipn" section.</summary>
public sealed class IpnOptions
{
    public const string SectionName = "Ipn";

    /// <summary>Wait between a failed attempt and the next.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt; a notification is attempted at most 1 + this many times.</summary>
    public int MaxRetries { get; set; } = 10;

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With a reorder window set, held notifications go out this long after the first was held even if the window is not full.</summary>
    public TimeSpan ReorderFlushAfter { get; set; } = TimeSpan.FromSeconds(2);
}
