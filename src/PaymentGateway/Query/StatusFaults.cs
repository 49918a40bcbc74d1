namespace PaymentGateway.Query;

/// <summary>How an injected querydr failure looks to the merchant.</summary>
public enum StatusErrorMode
{
    /// <summary>HTTP 500 with no VNPay body.</summary>
    Http500,

    /// <summary>HTTP 200 with a signed response whose vnp_ResponseCode is 99.</summary>
    Code99,
}

/// <summary>Faults injected into the querydr API, applied to every request from the moment they are set.</summary>
public sealed record StatusFaultSettings(int LatencyMs, double ErrorRate, StatusErrorMode ErrorMode, bool Down)
{
    public static StatusFaultSettings None { get; } = new(LatencyMs: 0, ErrorRate: 0, StatusErrorMode.Http500, Down: false);
}

/// <summary>The querydr fault settings in force; swapped whole so a request never sees half an update.</summary>
public sealed class StatusFaults
{
    private StatusFaultSettings _current = StatusFaultSettings.None;

    public StatusFaultSettings Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value ?? throw new ArgumentNullException(nameof(value)));
    }
}
