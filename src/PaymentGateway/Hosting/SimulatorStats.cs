namespace PaymentGateway.Hosting;

/// <summary>Counters for the admin API, so tests can tell how much traffic the gateway saw.</summary>
public sealed class SimulatorStats
{
    private long _queryRequests;
    private long _queryFailuresInjected;
    private long _ipnAttempts;

    public long QueryRequests => Interlocked.Read(ref _queryRequests);

    public long QueryFailuresInjected => Interlocked.Read(ref _queryFailuresInjected);

    /// <summary>IPN requests actually sent (dropped notifications and ones with no URL to go to are not attempts).</summary>
    public long IpnAttempts => Interlocked.Read(ref _ipnAttempts);

    public void QueryRequested() => Interlocked.Increment(ref _queryRequests);

    public void QueryFailureInjected() => Interlocked.Increment(ref _queryFailuresInjected);

    public void IpnAttempted() => Interlocked.Increment(ref _ipnAttempts);
}
