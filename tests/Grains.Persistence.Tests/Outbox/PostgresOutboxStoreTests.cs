using Grains.Outbox;
using Grains.Persistence.Tests.Infrastructure;
using IntegrationEvents;

namespace Grains.Persistence.Tests.Outbox;

/// <summary>
/// How relays read the outbox table: a shard is a fixed set of aggregates, held by one relay at a time, read in the
/// order written; a batch leaves the pending set only when marked, and a relay that dies first leaves it pending.
/// </summary>
public sealed class PostgresOutboxStoreTests : IAsyncLifetime
{
    private const int Shards = 4;
    private readonly OutboxDatabase _outbox = new();

    public Task InitializeAsync() => _outbox.InitializeAsync();

    public Task DisposeAsync() => _outbox.DisposeAsync();

    [Fact]
    public async Task The_shards_split_the_pending_events_between_them_each_aggregates_events_in_one_shard_in_the_order_written()
    {
        var written = new List<(string Aggregate, Guid Id)>();
        for (var round = 0; round < 3; round++)
        {
            for (var order = 0; order < 20; order++)
            {
                var aggregate = $"order-{order}";
                written.Add((aggregate, await _outbox.WriteAsync(aggregate)));
            }
        }

        var seen = new List<(int Shard, string Aggregate, Guid Id)>();
        for (var shard = 0; shard < Shards; shard++)
        {
            await using var claim = await _outbox.Store.ClaimAsync(shard, Shards, max: 100, CancellationToken.None);
            seen.AddRange(claim!.Events.Select(e => (shard, e.AggregateId, e.Id)));
        }

        Assert.Equal(written.Select(w => w.Id).Order(), seen.Select(s => s.Id).Order());
        Assert.All(seen.GroupBy(s => s.Aggregate), aggregate =>
        {
            Assert.Single(aggregate.Select(s => s.Shard).Distinct());
            Assert.Equal(written.Where(w => w.Aggregate == aggregate.Key).Select(w => w.Id), aggregate.Select(s => s.Id));
        });
        Assert.True(seen.Select(s => s.Shard).Distinct().Count() > 1, "twenty orders all hashed to one shard");
    }

    [Fact]
    public async Task A_held_shard_cannot_be_claimed_by_a_second_relay_until_the_first_lets_go()
    {
        await _outbox.WriteAsync("order-held");
        var shard = await ShardOfAsync("order-held");

        var first = await _outbox.Store.ClaimAsync(shard, Shards, max: 10, CancellationToken.None);
        Assert.Single(first!.Events);
        Assert.Null(await _outbox.Store.ClaimAsync(shard, Shards, max: 10, CancellationToken.None));
        await using (var other = await _outbox.Store.ClaimAsync((shard + 1) % Shards, Shards, max: 10, CancellationToken.None))
        {
            Assert.NotNull(other);
        }

        await first.DisposeAsync();
        await using var second = await _outbox.Store.ClaimAsync(shard, Shards, max: 10, CancellationToken.None);
        Assert.Single(second!.Events);
    }

    [Fact]
    public async Task A_marked_batch_is_delivered_and_an_unmarked_one_stays_pending()
    {
        var first = await _outbox.WriteAsync("order-mark");
        var second = await _outbox.WriteAsync("order-mark");
        var shard = await ShardOfAsync("order-mark");

        await using (var abandoned = await _outbox.Store.ClaimAsync(shard, Shards, max: 1, CancellationToken.None))
        {
            Assert.Equal([first], abandoned!.Events.Select(e => e.Id));
        }

        var publishedAt = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        await using (var claim = await _outbox.Store.ClaimAsync(shard, Shards, max: 1, CancellationToken.None))
        {
            Assert.Equal([first], claim!.Events.Select(e => e.Id));
            await claim.MarkPublishedAsync(publishedAt, CancellationToken.None);
        }

        await using var next = await _outbox.Store.ClaimAsync(shard, Shards, max: 10, CancellationToken.None);
        Assert.Equal([second], next!.Events.Select(e => e.Id));
        Assert.Equal(publishedAt, await _outbox.Database.ScalarAsync<DateTime>("SELECT published_at FROM outbox WHERE id = $1", first));
    }

    [Fact]
    public async Task The_purge_deletes_exactly_the_events_delivered_before_the_cutoff()
    {
        var cutoff = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var old = await _outbox.WriteAsync("order-purge");
        var recent = await _outbox.WriteAsync("order-purge");
        var pending = await _outbox.WriteAsync("order-purge");
        await _outbox.Database.ExecuteAsync("UPDATE outbox SET published_at = $2 - interval '1 second' WHERE id = $1", old, cutoff);
        await _outbox.Database.ExecuteAsync("UPDATE outbox SET published_at = $2 WHERE id = $1", recent, cutoff);

        Assert.Equal(1, await _outbox.Store.PurgeAsync(cutoff, max: 10, CancellationToken.None));

        Assert.Equal([recent, pending], await _outbox.Database.ColumnAsync<Guid>("SELECT id FROM outbox ORDER BY position"));
    }

    [Fact]
    public async Task A_claimed_event_carries_the_trace_context_it_was_written_with()
    {
        var traced = await _outbox.WriteAsync("order-traced");
        var untraced = await _outbox.WriteAsync("order-traced");
        var trace = new EventTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "commerce=1");
        await _outbox.Database.ExecuteAsync("UPDATE outbox SET trace_parent = $2, trace_state = $3 WHERE id = $1", traced, trace.TraceParent, trace.TraceState!);
        var shard = await ShardOfAsync("order-traced");

        await using var claim = await _outbox.Store.ClaimAsync(shard, Shards, max: 10, CancellationToken.None);

        Assert.Equal([(traced, trace), (untraced, null)], claim!.Events.Select(e => (e.Id, e.Trace)));
    }

    private async Task<int> ShardOfAsync(string aggregateId)
    {
        for (var shard = 0; shard < Shards; shard++)
        {
            await using var claim = await _outbox.Store.ClaimAsync(shard, Shards, max: 1_000, CancellationToken.None);
            if (claim!.Events.Any(e => e.AggregateId == aggregateId))
            {
                return shard;
            }
        }

        throw new InvalidOperationException($"No shard holds {aggregateId}.");
    }
}
