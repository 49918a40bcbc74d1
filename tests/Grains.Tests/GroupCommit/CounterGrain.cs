using System.ComponentModel;
using Grains.Storage;

namespace Grains.Tests.GroupCommit;

[Alias("tests.counter")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and completes once that is durable.</summary>
    [Alias("increment")]
    Task<long> Increment();

    /// <summary>The value in memory, which must never be ahead of what callers were told is durable.</summary>
    [Alias("get")]
    Task<long> Get();
}

public sealed class CounterState : IChangeTracking
{
    public long Value { get; set; }

    /// <summary>Increments since the last write: a store would write only these (like a product's new holds).</summary>
    public int Unwritten { get; set; }

    public bool IsChanged => Unwritten > 0;

    public void AcceptChanges() => Unwritten = 0;
}

/// <summary>The smallest grain that group-commits: reentrant, one mutation per call, each confirmed once durable.</summary>
[Reentrant]
public sealed class CounterGrain(
    [PersistentState("counter", StorageNames.Commerce)] IPersistentState<CounterState> counter,
    IGrainContext grain,
    CounterCalls calls) : Grain, ICounterGrain
{
    private readonly GroupCommit<CounterState> _writes = new(counter, grain);

    public async Task<long> Increment()
    {
        var value = ++_writes.State.Value;
        _writes.State.Unwritten++;
        calls.Arrived();
        await _writes.WriteAsync();
        return value;
    }

    public Task<long> Get() => Task.FromResult(_writes.State.Value);
}

/// <summary>Tells the test how many increments have mutated the state (and are now waiting for a write).</summary>
public sealed class CounterCalls
{
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _arrived;

    public void Arrived()
    {
        lock (_lock)
        {
            _arrived++;
            foreach (var waiter in _waiters.Where(w => w.Count <= _arrived).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public Task WhenArrived(int count)
    {
        lock (_lock)
        {
            if (_arrived >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
    }
}
