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

    /// <summary>
    /// The order's payment succeeded at the gateway. An unpaid order becomes paid (once, with its <c>order.paid</c>
    /// event); an order that already ended unpaid stays so and asks for a refund (once). Repeats answer the same.
    /// </summary>
    Task<PaymentConfirmation> ConfirmPayment(ConfirmPayment command);
}

/// <param name="ClientIp">The customer's address, which the payment gateway wants to see.</param>
public sealed record PlaceOrder(string CustomerId, string CustomerName, ImmutableArray<OrderLineRequest> Lines, string? CouponCode, string ClientIp = "127.0.0.1");

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
    long Version,
    OrderPayment? Payment);

/// <summary>The order's payment as the order knows it: enough to show it without asking the payment.</summary>
public sealed record OrderPayment(string Id, string PayUrl, OrderPaymentStatus Status, string? TransactionNo, DateTimeOffset? PaidAt);

public enum OrderPaymentStatus
{
    /// <summary>Waiting for the customer to pay.</summary>
    Pending,

    /// <summary>Paid: the order is PAID (or later).</summary>
    Succeeded,

    /// <summary>The order ended unpaid (cancelled or expired) before the money arrived; it must be refunded.</summary>
    RefundRequired,

    /// <summary>The order ended unpaid and no money arrived.</summary>
    Closed,
}

public enum PlacementStatus
{
    Placed,
    AlreadyExists,
    Invalid,
    ProductNotFound,
    OutOfStock,
    CouponInvalid,

    /// <summary>The payment gateway is failing (its circuit is open): nothing was reserved; try again after <see cref="OrderPlacement.RetryAfter"/>.</summary>
    GatewayUnavailable,
}

/// <summary>
/// The saga's outcome: the order when placed (or already there); otherwise what stopped it (the product ids out of
/// stock or unknown, or the coupon's problem), with nothing left held.
/// </summary>
public sealed record OrderPlacement(PlacementStatus Status, OrderView? Order, ImmutableArray<string> ProductIds, string? Problem, TimeSpan? RetryAfter = null);

public enum OrderChangeStatus
{
    Done,
    NotFound,
    InvalidState,
}

public sealed record OrderChange(OrderChangeStatus Status, OrderView? Order);

public sealed record ConfirmPayment(string PaymentId, string TransactionNo, long Amount, DateTimeOffset PaidAt);

public enum PaymentConfirmation
{
    /// <summary>The order was unpaid and is now PAID.</summary>
    Paid,

    /// <summary>The order was already paid by this payment.</summary>
    AlreadyPaid,

    /// <summary>The order had ended unpaid (cancelled or expired); it stays so and a refund is requested.</summary>
    RefundRequired,

    UnknownOrder,
}
