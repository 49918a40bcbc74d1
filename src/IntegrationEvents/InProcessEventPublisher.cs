namespace IntegrationEvents;

/// <summary>
/// The embedded mode's delivery: no broker, the relay hands each event to the consumer in this process, one after the
/// other, and a batch is delivered once the consumer has acted on all of it. Each event gets a publish span as on a
/// broker (<see cref="EventActivities"/>), so the consumer's span continues it the same way in both modes.
/// </summary>
public sealed class InProcessEventPublisher(IIntegrationEventHandler handler) : IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            using var publish = EventActivities.StartPublish(@event, system: null, destination: null);
            try
            {
                await handler.HandleAsync(EventActivities.Carrying(@event, publish), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                EventActivities.Failed(publish, exception);
                throw;
            }
        }
    }
}
