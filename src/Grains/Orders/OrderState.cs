using System.ComponentModel;
using System.Text.Json.Serialization;
using Grains.Outbox;

namespace Grains.Orders;

public sealed class OrderState : IChangeTracking, IRaisesOutboxEvents
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

    public string? PaymentId { get; set; }

    public string? PayUrl { get; set; }

    public string? PaymentTransactionNo { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>
    /// Money arrived after the order had ended unpaid (its transaction and time are <see cref="PaymentTransactionNo"/>
    /// and <see cref="PaidAt"/>, the first such); its refund was asked for.
    /// </summary>
    public bool RefundRequested { get; set; }

    /// <summary>Events raised since the last write: the typed store writes them to the outbox in the same transaction.</summary>
    [JsonIgnore]
    public List<OutboxMessage> RaisedEvents { get; } = [];

    IReadOnlyList<OutboxMessage> IRaisesOutboxEvents.RaisedEvents => RaisedEvents;

    [JsonIgnore]
    public bool IsChanged => RaisedEvents.Count > 0;

    public void AcceptChanges() => RaisedEvents.Clear();

    public OrderView View(string id)
        => new(id, CustomerId, CustomerName, Status, [.. Items], Subtotal, Discount, Total, Currency, CouponCode, CreatedAt, ExpiresAt, Version, Payment());

    private OrderPayment? Payment()
    {
        if (PaymentId is null)
        {
            return null;
        }

        return new OrderPayment(PaymentId, PayUrl ?? "", OrderPaymentStatuses.Of(Status, RefundRequested), PaymentTransactionNo, PaidAt);
    }
}
