namespace Grains.Products;

/// <summary>
/// One product, keyed by its id (SKU): catalog data and stock. Every stock decision for the product is made here,
/// one at a time, and a reservation is confirmed only once it is durable (cases C4, C8, C15, C17).
/// </summary>
/// <remarks>
/// A reservation is a hold for an order that lasts until the order is paid (committed), cancelled or expired
/// (released), or until its hold time passes: a saga that died midway gives its stock back on its own.
/// </remarks>
[Alias("commerce.product")]
public interface IProductGrain : IGrainWithStringKey
{
    [Alias("get")]
    Task<ProductDetails?> Get();

    [Alias("create")]
    Task<ProductWrite> Create(NewProduct product);

    /// <summary>Changes name and price if the product is still at <paramref name="expectedVersion"/>.</summary>
    [Alias("update")]
    Task<ProductWrite> Update(ProductChanges changes, long expectedVersion);

    /// <summary>Adds or removes available units; never below zero.</summary>
    [Alias("adjust-stock")]
    Task<ProductWrite> AdjustStock(int delta, string reason);

    /// <summary>
    /// Puts the product on a flash sale (or changes its sale) if it is still at <paramref name="expectedVersion"/>:
    /// its available units become the sale's stock. What each buyer holds or bought in the sale so far still counts.
    /// </summary>
    [Alias("set-sale")]
    Task<ProductWrite> SetSale(FlashSale sale, long expectedVersion);

    /// <summary>
    /// Holds units for <paramref name="buyerId"/>'s order until <paramref name="holdUntil"/>. Retrying with the same
    /// order id holds nothing more. On a flash sale the hold is refused outside its window and past the buyer's limit.
    /// </summary>
    [Alias("reserve")]
    Task<ReservationOutcome> Reserve(string orderId, int quantity, DateTimeOffset holdUntil, string buyerId);

    /// <summary>
    /// Whether a product on a flash sale would refuse the order now, decided from memory without holding or writing
    /// anything, so that a sold-out sale turns buyers away without a database access. A refusal is
    /// <see cref="Reserve"/>'s; anything else answers <see cref="ReservationStatus.Reserved"/> ("not refused": another
    /// buyer may still take the last units first), as does a product not on a sale and an order the product already
    /// holds or sold (a retry).
    /// </summary>
    [Alias("admit")]
    Task<ReservationOutcome> Admit(string orderId, int quantity, string buyerId);

    /// <summary>
    /// The order will not be sold: its held units go back on sale, and so do units it took by a sale it then could not
    /// complete (another of its products had none left). A no-op for an order it knows nothing of.
    /// </summary>
    [Alias("release")]
    Task Release(string orderId);

    /// <summary>
    /// Sells an order's units (its payment succeeded). Its hold becomes the sale; if the hold is gone (it lapsed, the
    /// units went back on sale), the units are taken again when there are enough, and the sale is refused when not.
    /// Asking again for a sold order sells nothing more, within <c>Commerce:SaleMemory</c>.
    /// </summary>
    [Alias("commit")]
    Task<SaleOutcome> Commit(SellUnits sale);
}

[GenerateSerializer, Immutable, Alias("commerce.NewProduct")]
public sealed record NewProduct([property: Id(0)] string Name, [property: Id(1)] long Price, [property: Id(2)] int Stock);

[GenerateSerializer, Immutable, Alias("commerce.ProductChanges")]
public sealed record ProductChanges([property: Id(0)] string Name, [property: Id(1)] long Price);

/// <summary>
/// A flash sale: units are held only from <see cref="StartsAt"/> until <see cref="EndsAt"/>, at most
/// <see cref="PerBuyerLimit"/> per buyer (held or bought), out of <see cref="Stock"/> units.
/// </summary>
[GenerateSerializer, Immutable, Alias("commerce.FlashSale")]
public sealed record FlashSale(
    [property: Id(0)] DateTimeOffset StartsAt,
    [property: Id(1)] DateTimeOffset EndsAt,
    [property: Id(2)] int PerBuyerLimit,
    [property: Id(3)] int Stock);

/// <summary>A product as the API shows it. <see cref="Version"/> changes with every change, stock included.</summary>
[GenerateSerializer, Immutable, Alias("commerce.ProductDetails")]
public sealed record ProductDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] long Price,
    [property: Id(3)] int StockAvailable,
    [property: Id(4)] long Version,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] FlashSale? Sale = null);

[GenerateSerializer, Alias("commerce.ProductWriteStatus")]
public enum ProductWriteStatus
{
    Done,
    NotFound,
    AlreadyExists,
    VersionMismatch,
    WouldGoNegative,
}

/// <summary>The outcome of a change, with the product as it is after it (or as it is, when refused).</summary>
[GenerateSerializer, Immutable, Alias("commerce.ProductWrite")]
public sealed record ProductWrite([property: Id(0)] ProductWriteStatus Status, [property: Id(1)] ProductDetails? Product);

/// <summary>An order's line to sell: what the order was priced at, in case its hold is gone and must be taken again.</summary>
[GenerateSerializer, Immutable, Alias("commerce.SellUnits")]
public sealed record SellUnits(
    [property: Id(0)] string OrderId,
    [property: Id(1)] int Quantity,
    [property: Id(2)] long UnitPrice,
    [property: Id(3)] string? BuyerId = null);

[GenerateSerializer, Alias("commerce.SaleStatus")]
public enum SaleStatus
{
    /// <summary>The order's hold became a sale.</summary>
    Sold,

    /// <summary>The hold was gone; the units were taken again and sold.</summary>
    Retaken,

    /// <summary>Sold before: nothing changed.</summary>
    AlreadySold,

    /// <summary>The hold was gone and too few units are left: nothing was sold.</summary>
    OutOfStock,

    ProductNotFound,

    /// <summary>The hold was gone and taking the units again would put the buyer over the sale's limit: nothing was sold.</summary>
    PurchaseLimitReached,
}

[GenerateSerializer, Immutable, Alias("commerce.SaleOutcome")]
public sealed record SaleOutcome([property: Id(0)] SaleStatus Status, [property: Id(1)] int StockAvailable)
{
    public bool IsSold => Status is SaleStatus.Sold or SaleStatus.Retaken or SaleStatus.AlreadySold;
}

[GenerateSerializer, Alias("commerce.ReservationStatus")]
public enum ReservationStatus
{
    Reserved,
    AlreadyReserved,
    OutOfStock,
    ProductNotFound,

    /// <summary>The product's flash sale has not started: see <see cref="ReservationOutcome.SaleStartsAt"/>.</summary>
    SaleNotStarted,

    /// <summary>The product's flash sale is over; its units are no longer sold.</summary>
    SaleEnded,

    /// <summary>The buyer already holds or bought as many units as the sale allows each buyer.</summary>
    PurchaseLimitReached,
}

/// <summary>A reservation's outcome, with the product's name and unit price at that moment (what the order charges).</summary>
[GenerateSerializer, Immutable, Alias("commerce.ReservationOutcome")]
public sealed record ReservationOutcome(
    [property: Id(0)] ReservationStatus Status,
    [property: Id(1)] string ProductName,
    [property: Id(2)] long UnitPrice,
    [property: Id(3)] int StockAvailable,
    [property: Id(4)] DateTimeOffset? SaleStartsAt = null,
    [property: Id(5)] bool OnSale = false)
{
    public bool Holds => Status is ReservationStatus.Reserved or ReservationStatus.AlreadyReserved;
}
