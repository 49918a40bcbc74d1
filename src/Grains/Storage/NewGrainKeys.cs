using System.Collections.Concurrent;

namespace Grains.Storage;

/// <summary>
/// Grains this silo has just created under an id never used before (an order's payment: a new UUIDv7), whose first
/// activation has nothing to read: the storage provider answers "no record" without asking the database, one read
/// fewer per order. An id is taken once, by that first activation; one not taken within a minute (its grain activated
/// on another silo, or never) is forgotten, and that grain reads as any other does. Should an id somehow have a row,
/// its first write (an insert expecting none) fails as a conflict rather than overwrite it.
/// </summary>
public sealed class NewGrainKeys(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>Past this many ids waiting, the stale ones are dropped before another is added.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<GrainId, DateTimeOffset> _created = new();

    // Counted here: the dictionary's Count takes every one of its locks, and Add runs once per order placed.
    private int _waiting;

    public void Add(GrainId grain)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _waiting) >= PruneAbove)
        {
            var staleBefore = now - Lifetime;
            foreach (var (stale, _) in _created.Where(entry => entry.Value < staleBefore))
            {
                if (_created.TryRemove(stale, out _))
                {
                    Interlocked.Decrement(ref _waiting);
                }
            }
        }

        if (_created.TryAdd(grain, now))
        {
            Interlocked.Increment(ref _waiting);
        }
        else
        {
            _created[grain] = now;
        }
    }

    /// <summary>Whether <paramref name="grain"/> was just created here and this is its first activation (asked once).</summary>
    public bool TryTake(GrainId grain)
    {
        if (!_created.TryRemove(grain, out var createdAt))
        {
            return false;
        }

        Interlocked.Decrement(ref _waiting);
        return time.GetUtcNow() - createdAt < Lifetime;
    }
}
