using Runtime.Metadata;

namespace Runtime.Cluster.Transport;

/// <summary>Sends a grain call to another silo. One interface, so the HTTP/2 transport can give way to another.</summary>
internal interface IGrainTransport
{
    Task<TransportOutcome> SendAsync(SiloAddress target, GrainId grainId, GrainMethod method, object?[] arguments, RequestContext? context, CancellationToken cancellationToken);
}

/// <summary>What came back: a result, a definite "not run here" (so the caller may route again), or a failure to pass on.</summary>
internal abstract record TransportOutcome
{
    public sealed record Completed(byte[] EncodedResult) : TransportOutcome;

    /// <summary>The target does not serve the partition: nothing ran.</summary>
    public sealed record Moved : TransportOutcome;

    /// <summary>The target could not take the call (unreachable, starting or stopping): nothing ran.</summary>
    public sealed record NotDelivered(string Reason) : TransportOutcome;

    /// <summary>The call ran, or may have; this exception is the caller's answer.</summary>
    public sealed record Failed(Exception Exception) : TransportOutcome;
}
