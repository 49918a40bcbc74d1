using Grains.Storage;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Benchmarks;

/// <summary>The hot product's state, as JSON in Orleans' ADO.NET grain storage (the silo's default provider).</summary>
public sealed class HotProductState
{
    public long Available { get; set; }

    public long Reserved { get; set; }
}

[Alias("bench.hot-product")]
public interface IHotProductGrain : IGrainWithStringKey
{
    [Alias("restock")]
    Task Restock(long units);

    /// <summary>Takes one unit; completes only once the reservation is durable.</summary>
    [Alias("reserve-one")]
    Task<bool> ReserveOne();

    [Alias("reserved")]
    Task<long> Reserved();
}

/// <summary>
/// A flash-sale product reduced to its counter: reentrant, so reservations arriving while a write is in flight share
/// the next one, through the product's own <see cref="GroupCommit{TState}"/> (what ProductGrain uses).
/// </summary>
[Reentrant]
public sealed class HotProductGrain([PersistentState("stock")] IPersistentState<HotProductState> stock, IGrainContext grain) : Grain, IHotProductGrain
{
    private readonly GroupCommit<HotProductState> _writes = new(stock, grain);

    public Task Restock(long units)
    {
        _writes.State.Available = units;
        _writes.State.Reserved = 0;
        return _writes.WriteAsync();
    }

    public async Task<bool> ReserveOne()
    {
        if (_writes.State.Available <= 0)
        {
            return false;
        }

        _writes.State.Available--;
        _writes.State.Reserved++;
        await _writes.WriteAsync();
        return true;
    }

    public Task<long> Reserved() => Task.FromResult(_writes.State.Reserved);
}
