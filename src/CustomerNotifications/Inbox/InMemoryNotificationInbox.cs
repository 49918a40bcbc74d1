using System.Collections.Concurrent;
using IntegrationEvents;

namespace CustomerNotifications.Inbox;

/// <summary>
/// The embedded mode's inbox (no ConnectionStrings:Notifications): the same rules as the database's, kept for the
/// life of the process. Nothing is durable there anyway, the events included.
/// </summary>
public sealed class InMemoryNotificationInbox : INotificationInbox
{
    private readonly ConcurrentDictionary<Guid, InboxOutcome?> _events = new();

    public Task<InboxClaim> ClaimAsync(IntegrationEvent @event, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var outcome = _events.GetOrAdd(@event.Id, static _ => null);
        return Task.FromResult(outcome is null ? InboxClaim.Claimed : InboxClaim.AlreadyHandled);
    }

    public Task MarkHandledAsync(Guid eventId, InboxOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _events[eventId] = outcome;
        return Task.CompletedTask;
    }

    /// <summary>Whether the event was ever claimed.</summary>
    public bool HasSeen(Guid eventId) => _events.ContainsKey(eventId);

    /// <summary>How the event was handled; null while only claimed or never seen.</summary>
    public InboxOutcome? OutcomeOf(Guid eventId) => _events.TryGetValue(eventId, out var outcome) ? outcome : null;
}
