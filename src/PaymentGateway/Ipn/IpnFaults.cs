namespace PaymentGateway.Ipn;

/// <summary>
/// Faults injected into IPN delivery. Each notification takes the settings current when it is queued, so changing
/// them never alters notifications already on their way.
/// </summary>
public sealed record IpnFaultSettings(bool Drop, int DelayMs, int Copies, int ReorderWindow)
{
    public static IpnFaultSettings None { get; } = new(Drop: false, DelayMs: 0, Copies: 1, ReorderWindow: 0);

    /// <summary>A window of one would hold a single notification and release it unchanged, so reordering starts at two.</summary>
    public bool Reorders => ReorderWindow >= 2;
}

/// <summary>The IPN fault settings in force; swapped whole so readers never see half an update.</summary>
public sealed class IpnFaults
{
    private IpnFaultSettings _current = IpnFaultSettings.None;

    public IpnFaultSettings Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value ?? throw new ArgumentNullException(nameof(value)));
    }
}
