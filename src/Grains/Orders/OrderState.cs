namespace Grains.Orders;

public sealed class OrderState
{
    public bool Exists { get; set; }

    public string CustomerId { get; set; } = "";

    public string CustomerName { get; set; } = "";

    public OrderStatus Status { get; set; }

    public List<OrderLine> Items { get; set; } = [];

    public long Subtotal { get; set; }

    public long Discount { get; set; }

    public long Total { get; set; }

    public string Currency { get; set; } = "";

    public string? CouponCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }

    public OrderView View(string id)
        => new(id, CustomerId, CustomerName, Status, [.. Items], Subtotal, Discount, Total, Currency, CouponCode, CreatedAt, ExpiresAt, Version);
}
