namespace Grains.Outbox;

/// <summary>The outbox as its relays read it: the <c>outbox</c> table, or the embedded mode's memory.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Takes <paramref name="shard"/> of <paramref name="shards"/> for this relay alone and reads its oldest pending
    /// events, at most <paramref name="max"/>, in the order they were written; null when another relay holds the shard.
    /// The shard stays held until the claim is disposed.
    /// </summary>
    Task<IOutboxClaim?> ClaimAsync(int shard, int shards, int max, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="max"/> events delivered before <paramref name="publishedBefore"/>; answers how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset publishedBefore, int max, CancellationToken cancellationToken);
}

/// <summary>A relay's hold on a shard and the events it read. Disposing it without marking leaves them pending.</summary>
public interface IOutboxClaim : IAsyncDisposable
{
    IReadOnlyList<IntegrationEvent> Events { get; }

    /// <summary>Records every event of the claim as delivered (after the broker confirmed them) and releases the shard.</summary>
    Task MarkPublishedAsync(DateTimeOffset publishedAt, CancellationToken cancellationToken);
}
