using Runtime;

namespace Benchmarks;

public sealed class HotProductState
{
    public long Available { get; set; }

    public long Reserved { get; set; }
}

public interface IHotProductGrain : IGrainWithStringKey
{
    Task Restock(long units);

    /// <summary>Takes one unit; completes only once the reservation is durable.</summary>
    Task<bool> ReserveOne();

    Task<long> Reserved();
}

/// <summary>A flash-sale product: reentrant, so reservations arriving while a write is in flight share the next one.</summary>
[Reentrant]
public sealed class HotProductGrain([PersistentState("stock")] IPersistentState<HotProductState> stock) : Grain, IHotProductGrain
{
    public Task Restock(long units)
    {
        stock.State.Available = units;
        stock.State.Reserved = 0;
        return stock.WriteStateAsync();
    }

    public async Task<bool> ReserveOne()
    {
        if (stock.State.Available <= 0)
        {
            return false;
        }

        stock.State.Available--;
        stock.State.Reserved++;
        await stock.WriteStateAsync();
        return true;
    }

    public Task<long> Reserved() => Task.FromResult(stock.State.Reserved);
}

public interface IPingGrain : IGrainWithStringKey
{
    Task<int> Ping(int value);
}

/// <summary>No I/O: measures the runtime's own cost per call.</summary>
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping(int value) => Task.FromResult(value + 1);
}
