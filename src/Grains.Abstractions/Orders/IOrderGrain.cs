using System.Collections.Immutable;

namespace Grains.Orders;

/// <summary>
/// One order, keyed by its id. <see cref="Place"/> is the saga that creates it: all or nothing across the products'
/// stock and the coupon (case C11). An order unpaid by its deadline expires and gives its stock back (case C16).
/// </summary>
[Alias("commerce.order")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Creates the order; placing an order id that exists answers <see cref="PlacementStatus.AlreadyExists"/> with it.</summary>
    [Alias("place")]
    Task<OrderPlacement> Place(PlaceOrder command);

    [Alias("get")]
    Task<OrderView?> Get();

    [Alias("cancel")]
    Task<OrderChange> Cancel();

    /// <summary>
    /// The order's payment succeeded at the gateway. An unpaid order becomes paid (once, with its <c>order.paid</c>
    /// event); an order that already ended unpaid stays so and asks for a refund (once). Repeats answer the same.
    /// </summary>
    [Alias("confirm-payment")]
    Task<PaymentConfirmation> ConfirmPayment(ConfirmPayment command);
}

/// <param name="ClientIp">The customer's address, which the payment gateway wants to see.</param>
[GenerateSerializer, Immutable, Alias("commerce.PlaceOrder")]
public sealed record PlaceOrder(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string CustomerName,
    [property: Id(2)] ImmutableArray<OrderLineRequest> Lines,
    [property: Id(3)] string? CouponCode,
    [property: Id(4)] string ClientIp = "127.0.0.1");

[GenerateSerializer, Immutable, Alias("commerce.OrderLineRequest")]
public sealed record OrderLineRequest([property: Id(0)] string ProductId, [property: Id(1)] int Quantity);

[GenerateSerializer, Alias("commerce.OrderStatus")]
public enum OrderStatus
{
    PendingPayment,
    Paid,
    Fulfilled,
    Cancelled,
    Expired,
    Refunded,
}

[GenerateSerializer, Immutable, Alias("commerce.OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string ProductName,
    [property: Id(2)] int Quantity,
    [property: Id(3)] long UnitPrice,
    [property: Id(4)] long LineTotal);

[GenerateSerializer, Immutable, Alias("commerce.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string CustomerName,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] ImmutableArray<OrderLine> Items,
    [property: Id(5)] long Subtotal,
    [property: Id(6)] long Discount,
    [property: Id(7)] long Total,
    [property: Id(8)] string Currency,
    [property: Id(9)] string? CouponCode,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset ExpiresAt,
    [property: Id(12)] long Version,
    [property: Id(13)] OrderPayment? Payment);

/// <summary>The order's payment as the order knows it: enough to show it without asking the payment.</summary>
[GenerateSerializer, Immutable, Alias("commerce.OrderPayment")]
public sealed record OrderPayment(
    [property: Id(0)] string Id,
    [property: Id(1)] string PayUrl,
    [property: Id(2)] OrderPaymentStatus Status,
    [property: Id(3)] string? TransactionNo,
    [property: Id(4)] DateTimeOffset? PaidAt);

[GenerateSerializer, Alias("commerce.OrderPaymentStatus")]
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

[GenerateSerializer, Alias("commerce.PlacementStatus")]
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

    /// <summary>A product's flash sale has not started (<see cref="OrderPlacement.ProductIds"/>): nothing was held; <see cref="OrderPlacement.RetryAfter"/> is until it starts.</summary>
    SaleNotStarted,

    /// <summary>A product's flash sale is over (<see cref="OrderPlacement.ProductIds"/>): nothing was held.</summary>
    SaleEnded,

    /// <summary>The customer already has as many units of a sale product as it allows each buyer (<see cref="OrderPlacement.ProductIds"/>).</summary>
    PurchaseLimitReached,
}

/// <summary>
/// The saga's outcome: the order when placed (or already there); otherwise what stopped it (the product ids out of
/// stock or unknown, or the coupon's problem), with nothing left held.
/// </summary>
[GenerateSerializer, Immutable, Alias("commerce.OrderPlacement")]
public sealed record OrderPlacement(
    [property: Id(0)] PlacementStatus Status,
    [property: Id(1)] OrderView? Order,
    [property: Id(2)] ImmutableArray<string> ProductIds,
    [property: Id(3)] string? Problem,
    [property: Id(4)] TimeSpan? RetryAfter = null);

[GenerateSerializer, Alias("commerce.OrderChangeStatus")]
public enum OrderChangeStatus
{
    Done,
    NotFound,
    InvalidState,
}

[GenerateSerializer, Immutable, Alias("commerce.OrderChange")]
public sealed record OrderChange([property: Id(0)] OrderChangeStatus Status, [property: Id(1)] OrderView? Order);

[GenerateSerializer, Immutable, Alias("commerce.ConfirmPayment")]
public sealed record ConfirmPayment(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string TransactionNo,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset PaidAt);

[GenerateSerializer, Alias("commerce.PaymentConfirmation")]
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
