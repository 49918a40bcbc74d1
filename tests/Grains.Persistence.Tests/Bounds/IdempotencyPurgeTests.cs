using Grains.Persistence.Purge;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Persistence.Tests.Bounds;

/// <summary>The purge deletes, in batches, exactly the idempotency keys last changed before its cutoff.</summary>
[Collection(SharedSilo.Name)]
public sealed class IdempotencyPurgeTests(SiloOnFreshDatabase silo)
{
    // Long before anything else the shared database holds, so the counts are this test's own.
    private static readonly DateTimeOffset Cutoff = new(2020, 1, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Batches_delete_exactly_the_keys_completed_or_started_before_the_cutoff()
    {
        var user = $"u-{Guid.NewGuid():N}";
        await silo.Database.ExecuteAsync("""
            INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, completed, started_at, completed_at, response, etag) VALUES
                ($1, 'expired-1', 'f', true, $2 - interval '2 days', $2 - interval '1 day', '{}', 2),
                ($1, 'expired-2', 'f', true, $2 - interval '2 days', $2 - interval '1 second', '{}', 2),
                ($1, 'expired-3', 'f', true, $2 - interval '1 hour', $2 - interval '1 microsecond', '{}', 2),
                ($1, 'abandoned', 'f', false, $2 - interval '3 days', NULL, NULL, 1),
                ($1, 'expired-4', 'f', true, $2 - interval '5 hours', $2 - interval '4 hours', '{}', 2),
                ($1, 'completed-after', 'f', true, $2 - interval '2 days', $2, '{}', 2),
                ($1, 'started-after', 'f', false, $2 + interval '1 second', NULL, NULL, 1)
            """, user, Cutoff);
        var purge = silo.Services.GetRequiredService<IIdempotencyKeyPurge>();

        var batches = new List<int>();
        int deleted;
        do
        {
            deleted = await purge.DeleteBatchAsync(Cutoff, limit: 2, CancellationToken.None);
            batches.Add(deleted);
        }
        while (deleted == 2);

        Assert.Equal([2, 2, 1], batches);
        Assert.Equal(["completed-after", "started-after"],
            await silo.Database.ColumnAsync<string>("SELECT idempotency_key FROM idempotency_keys WHERE user_id = $1 ORDER BY idempotency_key", user));
    }
}
