using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Runtime.Hosting;
using Runtime.Tests.Infrastructure;

namespace Runtime.Tests.Grains;

public sealed class ReservableStockState
{
    public int Available { get; set; }

    public HashSet<string> Reservations { get; set; } = [];
}

public sealed record ReservableStock(int Available, ImmutableArray<string> Reservations);

public interface IReservableStockGrain : IGrainWithStringKey
{
    Task Restock(int units);

    /// <summary>Reserves one unit for the id; true if reserved (now or before), false when out of stock. Safe to retry.</summary>
    Task<bool> Reserve(string reservationId);

    Task<ReservableStock> Read();
}

/// <summary>A product whose reservations are keyed, so a caller that lost an answer can ask again.</summary>
[Reentrant]
public sealed class ReservableStockGrain([PersistentState("stock")] IPersistentState<ReservableStockState> stock) : Grain, IReservableStockGrain
{
    public Task Restock(int units)
    {
        stock.State.Available = units;
        return stock.WriteStateAsync();
    }

    public async Task<bool> Reserve(string reservationId)
    {
        if (stock.State.Reservations.Contains(reservationId))
        {
            // Possibly not yet durable if an interleaved write is in flight: wait for it before confirming.
            await stock.WriteStateAsync();
            return true;
        }

        if (stock.State.Available <= 0)
        {
            return false;
        }

        stock.State.Available--;
        stock.State.Reservations.Add(reservationId);
        await stock.WriteStateAsync();
        return true;
    }

    public Task<ReservableStock> Read() => Task.FromResult(new ReservableStock(stock.State.Available, [.. stock.State.Reservations.Order()]));
}

public interface IPlacementGrain : IGrainWithStringKey
{
    /// <summary>The name of the silo this activation lives in.</summary>
    Task<string> Silo();

    /// <summary>Adds to a durable counter after the gate opens (so a test can hold a write back).</summary>
    Task<int> AddAfter(string gate, int delta);

    Task<int> Add(int delta);

    Task<int> Value();
}

public sealed class PlacementGrain(
    [PersistentState("counter")] IPersistentState<CounterState> counter,
    IOptions<SiloOptions> silo,
    GrainProbe probe) : Grain, IPlacementGrain
{
    public Task<string> Silo() => Task.FromResult(silo.Value.Name);

    public async Task<int> AddAfter(string gate, int delta)
    {
        probe.Increment($"{GetPrimaryKeyString()}:waiting");
        await probe.Gate(gate);
        return await Add(delta);
    }

    public async Task<int> Add(int delta)
    {
        counter.State.Value += delta;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> Value() => Task.FromResult(counter.State.Value);
}
