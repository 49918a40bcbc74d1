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

    public static OutboxMessage RefundRequired(string orderId, RefundRequiredPayload payload, DateTimeOffset at)
        => new(Guid.CreateVersion7(at), $"{PaymentRefundRequired}:{payload.PaymentId}", "order", orderId, PaymentRefundRequired,
            JsonSerializer.Serialize(payload, OutboxJsonContext.Default.RefundRequiredPayload), at);
}

public sealed record OrderPaidPayload(string OrderId, string CustomerId, long Total, string Currency, string PaymentId, string TransactionNo, DateTimeOffset PaidAt);

public sealed record RefundRequiredPayload(string OrderId, string CustomerId, string OrderStatus, string PaymentId, string TransactionNo, long Amount, string Currency, DateTimeOffset PaidAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OrderPaidPayload))]
[JsonSerializable(typeof(RefundRequiredPayload))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
