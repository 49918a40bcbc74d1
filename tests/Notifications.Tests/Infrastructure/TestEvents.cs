using System.Text.Json;
using IntegrationEvents;

namespace Notifications.Tests.Infrastructure;

/// <summary>Events as the grains raise them (payloads through the contract's own JSON), each with a new id.</summary>
public static class TestEvents
{
    public static readonly DateTimeOffset At = new(2026, 12, 2, 10, 30, 0, TimeSpan.Zero);

    public static IntegrationEvent Paid(string customerId, string? orderId = null, long total = 23_391_000, DateTimeOffset? at = null)
    {
        orderId ??= NewOrderId();
        var time = at ?? At;
        return new(Guid.CreateVersion7(time), EventTypes.OrderPaid, "order", orderId, time,
            JsonSerializer.Serialize(new OrderPaidPayload(orderId, customerId, total, "VND", $"pay-{orderId}", "14012345", time), EventJson.Default.OrderPaidPayload));
    }

    public static IntegrationEvent Expired(string customerId, string? orderId = null) => Ended(EventTypes.OrderExpired, "EXPIRED", customerId, orderId);

    public static IntegrationEvent Cancelled(string customerId, string? orderId = null) => Ended(EventTypes.OrderCancelled, "CANCELLED", customerId, orderId);

    public static IntegrationEvent RefundRequired(string? customerId, string? orderId = null, string reason = RefundReasons.OrderEnded)
    {
        orderId ??= NewOrderId();
        return new(Guid.CreateVersion7(At), EventTypes.PaymentRefundRequired, "order", orderId, At,
            JsonSerializer.Serialize(new RefundRequiredPayload(orderId, customerId, "EXPIRED", $"pay-{orderId}", "14099999", 5_000_000, "VND", At, reason), EventJson.Default.RefundRequiredPayload));
    }

    public static string NewCustomerId() => $"customer-{Guid.NewGuid():N}"[..21];

    public static string NewOrderId() => Guid.NewGuid().ToString();

    private static IntegrationEvent Ended(string type, string status, string customerId, string? orderId)
    {
        orderId ??= NewOrderId();
        return new(Guid.CreateVersion7(At), type, "order", orderId, At,
            JsonSerializer.Serialize(new OrderEndedPayload(orderId, customerId, status, 1_250_000, "VND", At), EventJson.Default.OrderEndedPayload));
    }
}
