namespace Grains.Outbox;

/// <summary>
/// Fault injection for the outbox relay (case C18: a relay killed between publishing and marking). Production
/// registers <see cref="NoOutboxRelayFaults"/>; tests register one that throws or waits once a batch is published.
/// </summary>
public interface IOutboxRelayFaults
{
    /// <summary>Called after the broker confirmed a batch, before it is marked delivered.</summary>
    ValueTask Published(int shard, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken);
}

public sealed class NoOutboxRelayFaults : IOutboxRelayFaults
{
    public ValueTask Published(int shard, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
