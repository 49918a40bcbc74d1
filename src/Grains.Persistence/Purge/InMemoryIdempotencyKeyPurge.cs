using Grains.Idempotency;
using Grains.Persistence.Storage;

namespace Grains.Persistence.Purge;

internal sealed class InMemoryIdempotencyKeyPurge(InMemoryStateStore<IdempotencyState> keys) : IIdempotencyKeyPurge
{
    public Task<int> DeleteBatchAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken)
        => Task.FromResult(keys.RemoveWhere(key => (key.Completed ? key.CompletedAt : key.StartedAt) < changedBefore, limit));
}
