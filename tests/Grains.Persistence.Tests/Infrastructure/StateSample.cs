using Npgsql;

namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>
/// One commerce state type as the typed-storage tests drive it: a state as its grain's first write has it, the next
/// change its grain would make (with one new child row), and the rows its store owns, so a test can tell exactly
/// which rows a write touched.
/// </summary>
public sealed class StateSample<TState>
{
    /// <summary>A state as its grain first writes it, for the grain key given.</summary>
    public required Func<string, TState> Create { get; init; }

    /// <summary>
    /// What the grain of key (first argument) changes next: its main row and one new child row, with a key of its own
    /// so that two activations making this change do not collide (an outbox row for an order).
    /// </summary>
    public required Action<string, TState> Change { get; init; }

    /// <summary>Tables of <see cref="FootprintSql"/> whose rows outlive a clear (they do not belong to the grain's row).</summary>
    public IReadOnlyList<string> KeptOnClear { get; init; } = [];

    /// <summary>
    /// Every row the store owns for grain key $1, one text per row naming the table, the row and its xmin (the
    /// transaction that last wrote it): two equal footprints mean nothing was written in between.
    /// </summary>
    public required string FootprintSql { get; init; }

    /// <summary>The grain key of a fresh state (tests share one database, so every test takes its own keys).</summary>
    public Func<string> NewKey { get; init; } = () => $"k-{Guid.NewGuid():N}";

    public async Task<List<string>> FootprintAsync(NpgsqlDataSource database, string grainKey)
        => [.. (await database.ColumnAsync<string>(FootprintSql, grainKey)).Order(StringComparer.Ordinal)];
}
