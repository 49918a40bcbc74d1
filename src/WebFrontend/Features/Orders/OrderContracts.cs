using System.ComponentModel;
using Grains.Orders;
using WebFrontend.Features.Payments;
using WebFrontend.Http;

namespace WebFrontend.Features.Orders;

public sealed record CreateOrderRequest(IReadOnlyList<OrderItemRequest?>? Items, string? CouponCode);

public sealed record OrderItemRequest(string? ProductId, int? Quantity);

public sealed record OrderItemResponse(string ProductId, string ProductName, int Quantity, [property: Description(Amounts.Description)] long UnitPrice,
    [property: Description(Amounts.Description)] long LineTotal);

/// <summary>The order's payment: where to pay while it is <c>PENDING</c>, and when it was paid.</summary>
public sealed record PaymentResponse(string Id, string Status, string PayUrl, DateTime? PaidAt);

public sealed record OrderResponse(
    string Id,
    string CustomerId,
    string CustomerName,
    string Status,
    IReadOnlyList<OrderItemResponse> Items,
    [property: Description(Amounts.Description)] long Subtotal,
    [property: Description(Amounts.Description)] long Discount,
    [property: Description(Amounts.Description)] long Total,
    string Currency,
    string? CouponCode,
    DateTime CreatedAt,
    DateTime ExpiresAt,
    long Version,
    PaymentResponse? Payment)
{
    public static OrderResponse From(OrderView order) => new(
        order.Id,
        order.CustomerId,
        order.CustomerName,
        OrderStatusNames.Of(order.Status),
        [.. order.Items.Select(i => new OrderItemResponse(i.ProductId, i.ProductName, i.Quantity, i.UnitPrice, i.LineTotal))],
        order.Subtotal,
        order.Discount,
        order.Total,
        order.Currency,
        order.CouponCode,
        order.CreatedAt.UtcDateTime,
        order.ExpiresAt.UtcDateTime,
        order.Version,
        order.Payment is { } payment
            ? new PaymentResponse(payment.Id, PaymentStatusNames.Of(payment.Status), payment.PayUrl, payment.PaidAt?.UtcDateTime)
            : null);
}

public sealed record OrderListItem(string Id, string CustomerId, string CustomerName, string Status, [property: Description(Amounts.Description)] long Total, int ItemCount, DateTime CreatedAt);

public sealed record OrderCursor(DateTime CreatedAt, string Id);
