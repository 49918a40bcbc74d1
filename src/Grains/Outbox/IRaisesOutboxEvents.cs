namespace Grains.Outbox;

/// <summary>A grain state whose writes carry outbox events: the store writes them in the same transaction as the state.</summary>
public interface IRaisesOutboxEvents
{
    /// <summary>Events raised since the last write.</summary>
    IReadOnlyList<OutboxMessage> RaisedEvents { get; }
}
