namespace Grains.Orders;

/// <summary>Order statuses as stored and as the API shows them: <c>PENDING_PAYMENT</c>, <c>PAID</c>, ….</summary>
public static class OrderStatusNames
{
    public static string Of(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "PENDING_PAYMENT",
        OrderStatus.Paid => "PAID",
        OrderStatus.Fulfilled => "FULFILLED",
        OrderStatus.Cancelled => "CANCELLED",
        OrderStatus.Expired => "EXPIRED",
        OrderStatus.Refunded => "REFUNDED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static OrderStatus Parse(string name)
        => TryParse(name, out var status) ? status : throw new FormatException($"Unknown order status '{name}'.");

    public static bool TryParse(string? name, out OrderStatus status)
    {
        foreach (var candidate in Enum.GetValues<OrderStatus>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}
