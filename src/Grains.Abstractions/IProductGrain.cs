using Runtime;

namespace Grains;

/// <summary>
/// One product's stock, keyed by SKU. Every stock decision for the product is made here, one at a time, and a
/// reservation is confirmed only once it is durable (cases C4, C15, C17).
/// </summary>
[GrainType("product")]
public interface IProductGrain : IGrainWithStringKey
{
    Task<ProductStock> GetStock();

    /// <summary>Adds units to the available stock.</summary>
    Task<ProductStock> Restock(int quantity);

    /// <summary>
    /// Holds <paramref name="quantity"/> units for <paramref name="reservationId"/> (an order id). Retrying with the
    /// same id never holds more: it answers <see cref="ReservationStatus.AlreadyReserved"/>.
    /// </summary>
    Task<ReservationOutcome> Reserve(string reservationId, int quantity);

    /// <summary>Returns a reservation's units to the available stock; a no-op for an unknown id.</summary>
    Task<ProductStock> Release(string reservationId);
}

public sealed record ProductStock(int Available, int Reserved);

public enum ReservationStatus
{
    Reserved,
    AlreadyReserved,
    OutOfStock,
}

public sealed record ReservationOutcome(ReservationStatus Status, ProductStock Stock)
{
    public bool Holds => Status is ReservationStatus.Reserved or ReservationStatus.AlreadyReserved;
}
