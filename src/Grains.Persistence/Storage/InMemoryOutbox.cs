using Grains.Outbox;

namespace Grains.Persistence.Storage;

/// <summary>
/// The embedded mode's outbox: the events the in-memory stores' writes carried, in the order written, one per dedupe
/// key, as the <c>outbox</c> table keeps them.
/// </summary>
public sealed class InMemoryOutbox
{
    private readonly Lock _lock = new();
    private readonly List<OutboxMessage> _messages = [];
    private readonly HashSet<string> _dedupeKeys = new(StringComparer.Ordinal);

    /// <summary>Every event written, in the order written.</summary>
    public IReadOnlyList<OutboxMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    internal void Write(IEnumerable<OutboxMessage> raised)
    {
        lock (_lock)
        {
            foreach (var message in raised)
            {
                if (_dedupeKeys.Add(message.DedupeKey))
                {
                    _messages.Add(message);
                }
            }
        }
    }
}
