using System.Collections.Concurrent;

namespace PaymentGateway.Query;

/// <summary>The querydr request ids already answered: VNPay refuses a reused vnp_RequestId (94), so clients must mint a new one per call.</summary>
public sealed class RequestIdRegistry
{
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);

    /// <summary>Records the id; false if it was seen before.</summary>
    public bool TryUse(string requestId) => _seen.TryAdd(requestId, 0);
}
