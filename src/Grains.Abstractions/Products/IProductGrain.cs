using Runtime;

namespace Grains.Products;

/// <summary>
/// One product, keyed by its id (SKU): catalog data and stock. Every stock decision for the product is made here,
/// one at a time, and a reservation is confirmed only once it is durable (cases C4, C8, C15, C17).
/// </summary>
/// <remarks>
/// A reservation is a hold for an order that lasts until the order is paid (committed), cancelled or expired
/// (released), or until its hold time passes: a saga that died midway gives its stock back on its own.
/// </remarks>
[GrainType("product")]
public interface IProductGrain : IGrainWithStringKey
{
    Task<ProductDetails?> Get();

    Task<ProductWrite> Create(NewProduct product);

    /// <summary>Changes name and price if the product is still at <paramref name="expectedVersion"/>.</summary>
    Task<ProductWrite> Update(ProductChanges changes, long expectedVersion);

    /// <summary>Adds or removes available units; never below zero.</summary>
    Task<ProductWrite> AdjustStock(int delta, string reason);

    /// <summary>Holds units for an order until <paramref name="holdUntil"/>. Retrying with the same order id holds nothing more.</summary>
    Task<ReservationOutcome> Reserve(string orderId, int quantity, DateTimeOffset holdUntil);

    /// <summary>Returns an order's held units to the available stock; a no-op for an unknown or committed hold.</summary>
    Task Release(string orderId);

    /// <summary>Turns an order's hold into a sale (its payment succeeded); the units never come back.</summary>
    Task Commit(string orderId);
}

public sealed record NewProduct(string Name, long Price, int Stock);

public sealed record ProductChanges(string Name, long Price);

/// <summary>A product as the API shows it. <see cref="Version"/> changes with every change, stock included.</summary>
public sealed record ProductDetails(
    string Id,
    string Name,
    long Price,
    int StockAvailable,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public enum ProductWriteStatus
{
    Done,
    NotFound,
    AlreadyExists,
    VersionMismatch,
    WouldGoNegative,
}

/// <summary>The outcome of a change, with the product as it is after it (or as it is, when refused).</summary>
public sealed record ProductWrite(ProductWriteStatus Status, ProductDetails? Product);

public enum ReservationStatus
{
    Reserved,
    AlreadyReserved,
    OutOfStock,
    ProductNotFound,
}

/// <summary>A reservation's outcome, with the product's name and unit price at that moment (what the order charges).</summary>
public sealed record ReservationOutcome(ReservationStatus Status, string ProductName, long UnitPrice, int StockAvailable)
{
    public bool Holds => Status is ReservationStatus.Reserved or ReservationStatus.AlreadyReserved;
}
