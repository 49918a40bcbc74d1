namespace IntegrationEvents;

/// <summary>
/// One event as it travels from the outbox to its consumers: at least once, so consumers dedupe by <see cref="Id"/>.
/// Events of one aggregate arrive in the order they were raised.
/// </summary>
/// <param name="Id">The event's id, unique for ever: the broker's message id and the consumers' dedupe key.</param>
/// <param name="Type">One of <see cref="EventTypes"/>: the routing key.</param>
/// <param name="AggregateType">What raised it: <c>order</c> or <c>payment</c>.</param>
/// <param name="AggregateId">Which one raised it.</param>
/// <param name="OccurredAt">When the change that raised it was made.</param>
/// <param name="Payload">The payload as JSON (snake_case), one of the records in <see cref="EventJson"/>.</param>
/// <param name="Trace">
/// The trace it continues: the one it was raised in while in the outbox, the publish's span once published; null when
/// it was raised outside any trace.
/// </param>
public sealed record IntegrationEvent(Guid Id, string Type, string AggregateType, string AggregateId, DateTimeOffset OccurredAt, string Payload, EventTrace? Trace = null);
