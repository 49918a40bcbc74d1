using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grains.Outbox;

/// <summary>The outbox events the grains raise, and their payloads.</summary>
public static class OutboxEvents
{
    public const string OrderPaid = "order.paid";
    public const string PaymentRefundRequired = "payment.refund_required";

    public static OutboxMessage Paid(string orderId, OrderPaidPayload payload, DateTimeOffset at)
        => new(Guid.CreateVersion7(at), $"{OrderPaid}:{orderId}", "order", orderId, OrderPaid,
            JsonSerializer.Serialize(payload, OutboxJsonContext.Default.OrderPaidPayload), at);

    /// <summary>
    /// Money arrived that pays for nothing: one event per gateway transaction (its dedupe key), whichever grain saw it —
    /// the order (it had ended, or was paid by another transaction, or its stock was gone) or the payment (a second
    /// success, or no such order).
    /// </summary>
    public static OutboxMessage RefundRequired(string aggregateType, string aggregateId, RefundRequiredPayload payload, DateTimeOffset at)
        => new(Guid.CreateVersion7(at), $"{PaymentRefundRequired}:{payload.PaymentId}:{payload.TransactionNo}", aggregateType, aggregateId, PaymentRefundRequired,
            JsonSerializer.Serialize(payload, OutboxJsonContext.Default.RefundRequiredPayload), at);
}

/// <summary>Why money must go back, as <see cref="RefundRequiredPayload.Reason"/> says it.</summary>
public static class RefundReasons
{
    /// <summary>The order had been cancelled or had expired when the money came.</summary>
    public const string OrderEnded = "order_ended";

    /// <summary>The order was already paid, by another transaction.</summary>
    public const string OrderAlreadyPaid = "order_already_paid";

    /// <summary>The order's holds had lapsed and a product had too few units left to sell: the order could not be paid.</summary>
    public const string SoldOut = "sold_out";

    /// <summary>The payment's order does not exist.</summary>
    public const string UnknownOrder = "unknown_order";

    /// <summary>The payment had succeeded already, with another transaction.</summary>
    public const string SecondSuccess = "second_success";
}

public sealed record OrderPaidPayload(string OrderId, string CustomerId, long Total, string Currency, string PaymentId, string TransactionNo, DateTimeOffset PaidAt);

/// <param name="CustomerId">Null when the payment raised it (it does not know its customer, or there is no order).</param>
/// <param name="OrderStatus">The order's status when the money came; null when the payment raised it.</param>
public sealed record RefundRequiredPayload(
    string OrderId,
    string? CustomerId,
    string? OrderStatus,
    string PaymentId,
    string TransactionNo,
    long Amount,
    string Currency,
    DateTimeOffset PaidAt,
    string Reason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OrderPaidPayload))]
[JsonSerializable(typeof(RefundRequiredPayload))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
