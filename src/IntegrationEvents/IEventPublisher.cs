namespace IntegrationEvents;

/// <summary>
/// Where the outbox relay sends events: a broker (RabbitMQ, with publisher confirms) or, with no broker configured, the
/// consumer in this process. Completing means every event of the batch is safe with the receiver, so the relay may mark
/// them delivered; throwing means some may not be, and the relay sends the whole batch again later.
/// </summary>
public interface IEventPublisher
{
    /// <summary>Sends the events in the order given (the relay orders them per aggregate).</summary>
    Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken);
}
