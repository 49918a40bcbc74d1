using System.Collections.Immutable;
using Runtime;

namespace Grains.Orders;

/// <summary>
/// One order, keyed by its id. <see cref="Place"/> is the saga that creates it: all or nothing across the products'
/// stock and the coupon (case C11). An order unpaid by its deadline expires and gives its stock back (case C16).
/// </summary>
[GrainType("order")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Creates the order; placing an order id that exists answers <see cref="PlacementStatus.AlreadyExists"/> with it.</summary>
    Task<OrderPlacement> Place(PlaceOrder command);

    Task<OrderView?> Get();

    Task<OrderChange> Cancel();
}

public sealed record PlaceOrder(string CustomerId, string CustomerName, ImmutableArray<OrderLineRequest> Lines, string? CouponCode);

public sealed record OrderLineRequest(string ProductId, int Quantity);

public enum OrderStatus
{
    PendingPayment,
    Paid,
    Fulfilled,
    Cancelled,
    Expired,
    Refunded,
}

public sealed record OrderLine(string ProductId, string ProductName, int Quantity, long UnitPrice, long LineTotal);

public sealed record OrderView(
    string Id,
    string CustomerId,
    string CustomerName,
    OrderStatus Status,
    ImmutableArray<OrderLine> Items,
    long Subtotal,
    long Discount,
    long Total,
    string Currency,
    string? CouponCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    long Version);

public enum PlacementStatus
{
    Placed,
    AlreadyExists,
    Invalid,
    ProductNotFound,
    OutOfStock,
    CouponInvalid,
}

/// <summary>
/// The saga's outcome: the order when placed (or already there); otherwise what stopped it (the product ids out of
/// stock or unknown, or the coupon's problem), with nothing left held.
/// </summary>
public sealed record OrderPlacement(PlacementStatus Status, OrderView? Order, ImmutableArray<string> ProductIds, string? Problem);

public enum OrderChangeStatus
{
    Done,
    NotFound,
    InvalidState,
}

public sealed record OrderChange(OrderChangeStatus Status, OrderView? Order);
