namespace IntegrationEvents;

/// <summary>
/// The embedded mode's delivery: no broker, the relay hands each event to the consumer in this process, one after the
/// other, and a batch is delivered once the consumer has acted on all of it.
/// </summary>
public sealed class InProcessEventPublisher(IIntegrationEventHandler handler) : IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            await handler.HandleAsync(@event, cancellationToken).ConfigureAwait(false);
        }
    }
}
