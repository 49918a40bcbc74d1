using System.ComponentModel;
using System.Text.Json.Serialization;
using Grains.Outbox;

namespace Grains.Payments;

public sealed class PaymentState : IChangeTracking, IRaisesOutboxEvents
{
    public bool Exists { get; set; }

    public string OrderId { get; set; } = "";

    public PaymentStatus Status { get; set; }

    public long Amount { get; set; }

    public string Currency { get; set; } = "";

    public string OrderInfo { get; set; } = "";

    public string PayUrl { get; set; } = "";

    /// <summary>The creation time in the gateway's format, which every status query quotes.</summary>
    public string GatewayCreatedAt { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The order's deadline: polling ends with it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? TransactionNo { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>Whether the order has heard of the success; until it has, the poll reminder keeps telling it.</summary>
    public bool OrderConfirmed { get; set; }

    /// <summary>Every distinct report received, in order: the dedupe set and the audit trail.</summary>
    public List<PaymentEvent> Events { get; set; } = [];

    /// <summary>Reports received since the last write: a typed store inserts only these.</summary>
    [JsonIgnore]
    public List<PaymentEvent> NewEvents { get; } = [];

    /// <summary>Outbox events raised since the last write: refunds for money that pays for no order.</summary>
    [JsonIgnore]
    public List<OutboxMessage> RaisedEvents { get; } = [];

    IReadOnlyList<OutboxMessage> IRaisesOutboxEvents.RaisedEvents => RaisedEvents;

    [JsonIgnore]
    public bool IsChanged => NewEvents.Count > 0 || RaisedEvents.Count > 0;

    public void AcceptChanges()
    {
        NewEvents.Clear();
        RaisedEvents.Clear();
    }

    public PaymentView View(string id)
        => new(id, OrderId, Status, Amount, Currency, PayUrl, TransactionNo, CreatedAt, ExpiresAt, PaidAt, OrderConfirmed, Events.Count);
}

/// <summary>One report from the gateway. <see cref="Applied"/>: whether it changed the payment (false: recorded and ignored).</summary>
public sealed record PaymentEvent(
    int Sequence,
    PaymentReportSource Source,
    string TransactionNo,
    string ResponseCode,
    string TransactionStatus,
    long? Amount,
    bool Applied,
    DateTimeOffset ReceivedAt)
{
    public bool SameReportAs(PaymentReport report)
        => TransactionNo == report.TransactionNo && ResponseCode == report.ResponseCode && TransactionStatus == report.TransactionStatus;
}
