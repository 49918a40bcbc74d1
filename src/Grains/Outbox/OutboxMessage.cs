using IntegrationEvents;

namespace Grains.Outbox;

/// <summary>
/// An event for the world outside (an e-mail, a refund desk), written to the <c>outbox</c> table in the same
/// transaction as the state change that raised it and delivered later by a relay, at least once (case C18).
/// </summary>
/// <param name="DedupeKey">Unique across the outbox: an event that must happen once (one paid e-mail per order) cannot be written twice.</param>
/// <param name="Payload">The event's body as JSON.</param>
/// <param name="Trace">The trace it was raised in (the request's, through the grain calls), which its delivery continues; null outside any.</param>
public sealed record OutboxMessage(
    Guid Id,
    string DedupeKey,
    string AggregateType,
    string AggregateId,
    string EventType,
    string Payload,
    DateTimeOffset OccurredAt,
    EventTrace? Trace = null)
{
    /// <summary>The event as consumers see it: its dedupe key stays in the outbox.</summary>
    public IntegrationEvent ToIntegrationEvent() => new(Id, EventType, AggregateType, AggregateId, OccurredAt, Payload, Trace);
}
