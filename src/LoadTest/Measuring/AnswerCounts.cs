using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace LoadTest.Measuring;

/// <summary>How many of each <see cref="Answer"/> a run got, counted concurrently by every worker.</summary>
public sealed class AnswerCounts
{
    private readonly ConcurrentDictionary<Answer, StrongBox<long>> _counts = new();

    public void Add(Answer answer) => Interlocked.Increment(ref _counts.GetOrAdd(answer, static _ => new StrongBox<long>()).Value);

    /// <summary>A snapshot, most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<Answer, long>> Snapshot()
        => [.. _counts.Select(pair => KeyValuePair.Create(pair.Key, Interlocked.Read(ref pair.Value.Value))).OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key.ToString(), StringComparer.Ordinal)];

    public long Count(Func<Answer, bool> which) => _counts.Where(pair => which(pair.Key)).Sum(pair => Interlocked.Read(ref pair.Value.Value));
}
