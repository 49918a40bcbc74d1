using Runtime;

namespace Grains;

public sealed class ProductState
{
    public int Available { get; set; }

    /// <summary>Units held per reservation id.</summary>
    public Dictionary<string, int> Reservations { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A product's stock. Reentrant: while one write is in flight, further reservations mutate the state and join the
/// next write, so a hot product confirms batches instead of one reservation per database round trip.
/// </summary>
[Reentrant]
public sealed class ProductGrain([PersistentState("stock")] IPersistentState<ProductState> stock) : Grain, IProductGrain
{
    private ProductState State => stock.State;

    private ProductStock Snapshot => new(State.Available, State.Reservations.Values.Sum());

    public Task<ProductStock> GetStock() => Task.FromResult(Snapshot);

    public async Task<ProductStock> Restock(int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        State.Available = checked(State.Available + quantity);
        await stock.WriteStateAsync();
        return Snapshot;
    }

    public async Task<ReservationOutcome> Reserve(string reservationId, int quantity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (State.Reservations.ContainsKey(reservationId))
        {
            // Held already, perhaps by a write still in flight: confirm only once that write has committed.
            await stock.WriteStateAsync();
            return new ReservationOutcome(ReservationStatus.AlreadyReserved, Snapshot);
        }

        if (State.Available < quantity)
        {
            return new ReservationOutcome(ReservationStatus.OutOfStock, Snapshot);
        }

        State.Available -= quantity;
        State.Reservations[reservationId] = quantity;
        await stock.WriteStateAsync();
        return new ReservationOutcome(ReservationStatus.Reserved, Snapshot);
    }

    public async Task<ProductStock> Release(string reservationId)
    {
        if (State.Reservations.Remove(reservationId, out var quantity))
        {
            State.Available += quantity;
            await stock.WriteStateAsync();
        }

        return Snapshot;
    }
}
