using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int delta);

    Task<int> Get();

    Task<string?> GetEtag();

    Task<int> ActivationNumber();

    Task Clear();

    Task DeactivateWhenDone();
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter, GrainProbe probe) : Grain, ICounterGrain
{
    private int _activation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = probe.Increment($"{GetPrimaryKeyString()}:activated");
        return Task.CompletedTask;
    }

    public async Task<int> Add(int delta)
    {
        counter.State.Value += delta;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Value);

    public Task<string?> GetEtag() => Task.FromResult(counter.Etag);

    public Task<int> ActivationNumber() => Task.FromResult(_activation);

    public Task Clear() => counter.ClearStateAsync();

    public Task DeactivateWhenDone()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public sealed class StockState
{
    public int Available { get; set; }

    public int Reserved { get; set; }
}

public sealed record StockLevels(int Available, int Reserved);

public interface IStockGrain : IGrainWithStringKey
{
    Task Restock(int units);

    /// <summary>Takes one unit; true once the reservation is durable, false when out of stock.</summary>
    Task<bool> ReserveOne();

    Task<StockLevels> Levels();
}

/// <summary>A hot product in miniature: reentrant, so concurrent reservations share group-committed writes.</summary>
[Reentrant]
public sealed class StockGrain([PersistentState("stock")] IPersistentState<StockState> stock, GrainProbe probe) : Grain, IStockGrain
{
    public Task Restock(int units)
    {
        stock.State.Available = units;
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
        var written = stock.WriteStateAsync();
        probe.Increment($"{GetPrimaryKeyString()}:awaiting-write");
        await written;
        return true;
    }

    public Task<StockLevels> Levels() => Task.FromResult(new StockLevels(stock.State.Available, stock.State.Reserved));
}
