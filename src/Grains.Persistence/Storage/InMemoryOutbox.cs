using Grains.Outbox;
using IntegrationEvents;

namespace Grains.Persistence.Storage;

/// <summary>
/// The embedded mode's outbox: the events the in-memory stores' writes carried, in the order written, one per dedupe
/// key, as the <c>outbox</c> table keeps them; and its relays' view of them, shard by shard.
/// </summary>
public sealed class InMemoryOutbox : IOutboxStore
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    // The relays read only these: a long-running embedded mode keeps its delivered events until they are purged.
    private readonly List<Entry> _pending = [];
    private readonly HashSet<string> _dedupeKeys = new(StringComparer.Ordinal);
    private readonly HashSet<int> _heldShards = [];

    /// <summary>Every event written and not purged, in the order written.</summary>
    public IReadOnlyList<OutboxMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Select(entry => entry.Message)];
            }
        }
    }

    public Task<IOutboxClaim?> ClaimAsync(int shard, int shards, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_heldShards.Add(shard))
            {
                return Task.FromResult<IOutboxClaim?>(null);
            }

            var pending = _pending
                .Where(entry => ShardOf(entry.Message.AggregateId, shards) == shard)
                .Take(max)
                .ToList();
            return Task.FromResult<IOutboxClaim?>(new Claim(this, shard, pending));
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset publishedBefore, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var purged = 0;
            _entries.RemoveAll(entry =>
            {
                if (purged == max || !(entry.PublishedAt < publishedBefore))
                {
                    return false;
                }

                purged++;
                _dedupeKeys.Remove(entry.Message.DedupeKey);
                return true;
            });

            return Task.FromResult(purged);
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
                    var entry = new Entry(message);
                    _entries.Add(entry);
                    _pending.Add(entry);
                }
            }
        }
    }

    private static int ShardOf(string aggregateId, int shards) => (StringComparer.Ordinal.GetHashCode(aggregateId) & int.MaxValue) % shards;

    private sealed class Entry(OutboxMessage message)
    {
        public OutboxMessage Message { get; } = message;

        public DateTimeOffset? PublishedAt { get; set; }
    }

    private sealed class Claim(InMemoryOutbox outbox, int shard, List<Entry> entries) : IOutboxClaim
    {
        private bool _released;

        public IReadOnlyList<IntegrationEvent> Events { get; } = [.. entries.Select(entry => entry.Message.ToIntegrationEvent())];

        public Task MarkPublishedAsync(DateTimeOffset publishedAt, CancellationToken cancellationToken)
        {
            lock (outbox._lock)
            {
                foreach (var entry in entries)
                {
                    entry.PublishedAt = publishedAt;
                }

                outbox._pending.RemoveAll(entry => entry.PublishedAt is not null);

                Release();
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            lock (outbox._lock)
            {
                Release();
            }

            return ValueTask.CompletedTask;
        }

        private void Release()
        {
            if (!_released)
            {
                _released = true;
                outbox._heldShards.Remove(shard);
            }
        }
    }
}
