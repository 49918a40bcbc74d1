namespace IntegrationEvents;

/// <summary>
/// Acts on an event: the consumer's side. Called at least once per event (a broker redelivers what was not
/// acknowledged; a relay republishes what it could not mark), so an implementation dedupes by the event's id.
/// Returning means the event was acted on and may be acknowledged; throwing means it was not and must come again.
/// </summary>
public interface IIntegrationEventHandler
{
    Task HandleAsync(IntegrationEvent @event, CancellationToken cancellationToken);
}
