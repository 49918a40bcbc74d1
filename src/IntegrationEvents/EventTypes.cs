namespace IntegrationEvents;

/// <summary>The events' names: the routing keys on the topic exchange.</summary>
public static class EventTypes
{
    /// <summary>An order was paid: <see cref="OrderPaidPayload"/>.</summary>
    public const string OrderPaid = "order.paid";

    /// <summary>An order's payment deadline passed unpaid, or its stock was gone when the money came: <see cref="OrderEndedPayload"/>.</summary>
    public const string OrderExpired = "order.expired";

    /// <summary>The customer cancelled an unpaid order: <see cref="OrderEndedPayload"/>.</summary>
    public const string OrderCancelled = "order.cancelled";

    /// <summary>Money arrived that pays for nothing and must go back: <see cref="RefundRequiredPayload"/>.</summary>
    public const string PaymentRefundRequired = "payment.refund_required";

    /// <summary>Every event type, as consumers bind to them.</summary>
    public static IReadOnlyList<string> All { get; } = [OrderPaid, OrderExpired, OrderCancelled, PaymentRefundRequired];
}
