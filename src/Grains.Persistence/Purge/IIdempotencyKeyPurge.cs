namespace Grains.Persistence.Purge;

/// <summary>Where expired idempotency keys are deleted: their table, or the in-memory store.</summary>
public interface IIdempotencyKeyPurge
{
    /// <summary>Deletes at most <paramref name="limit"/> keys last changed before <paramref name="changedBefore"/>; answers how many.</summary>
    Task<int> DeleteBatchAsync(DateTimeOffset changedBefore, int limit, CancellationToken cancellationToken);
}
