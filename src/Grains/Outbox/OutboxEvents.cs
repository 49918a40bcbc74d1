using System.Text.Json;
using IntegrationEvents;

namespace Grains.Outbox;

/// <summary>
/// The outbox events the grains raise, and their payloads. Each records the trace context of the grain call raising it
/// (<see cref="EventTrace.Current"/>: Orleans' span of the call, which continues the front end's request), so that the
/// relay's publish and the consumer's handling join the trace of the request that caused them.
/// </summary>
public static class OutboxEvents
{
    public const string OrderPaid = EventTypes.OrderPaid;
    public const string PaymentRefundRequired = EventTypes.PaymentRefundRequired;

    /// <summary>The dedupe keys of an order's customer mails are these prefixes and the order id: how the dashboard finds them.</summary>
    public const string PaidKeyPrefix = OrderPaid + ":";

    public const string EndedKeyPrefix = "order.ended:";

    public static OutboxMessage Paid(string orderId, OrderPaidPayload payload, DateTimeOffset at)
        => new(Guid.CreateVersion7(at), PaidKeyPrefix + orderId, "order", orderId, OrderPaid,
            JsonSerializer.Serialize(payload, EventJson.Default.OrderPaidPayload), at, EventTrace.Current());

    /// <summary>An order ended unpaid (expired or cancelled): once per order, whichever way it ended.</summary>
    public static OutboxMessage Ended(string orderId, OrderEndedPayload payload, bool cancelled, DateTimeOffset at)
    {
        var type = cancelled ? EventTypes.OrderCancelled : EventTypes.OrderExpired;
        return new(Guid.CreateVersion7(at), EndedKeyPrefix + orderId, "order", orderId, type,
            JsonSerializer.Serialize(payload, EventJson.Default.OrderEndedPayload), at, EventTrace.Current());
    }

    /// <summary>
    /// Money arrived that pays for nothing: one event per gateway transaction (its dedupe key), whichever grain saw it —
    /// the order (it had ended, or was paid by another transaction, or its stock was gone) or the payment (a second
    /// success, or no such order).
    /// </summary>
    public static OutboxMessage RefundRequired(string aggregateType, string aggregateId, RefundRequiredPayload payload, DateTimeOffset at)
        => new(Guid.CreateVersion7(at), $"{PaymentRefundRequired}:{payload.PaymentId}:{payload.TransactionNo}", aggregateType, aggregateId, PaymentRefundRequired,
            JsonSerializer.Serialize(payload, EventJson.Default.RefundRequiredPayload), at, EventTrace.Current());
}
