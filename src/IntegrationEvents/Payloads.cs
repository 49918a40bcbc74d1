namespace IntegrationEvents;

public sealed record OrderPaidPayload(string OrderId, string CustomerId, long Total, string Currency, string PaymentId, string TransactionNo, DateTimeOffset PaidAt);

/// <summary>An order ended unpaid: it expired or was cancelled; its stock and coupon went back.</summary>
/// <param name="Status"><c>EXPIRED</c> or <c>CANCELLED</c>, as the API shows it.</param>
public sealed record OrderEndedPayload(string OrderId, string CustomerId, string Status, long Total, string Currency, DateTimeOffset EndedAt);

/// <param name="CustomerId">Null when the payment raised it (it does not know its customer, or there is no order).</param>
/// <param name="OrderStatus">The order's status when the money came; null when the payment raised it.</param>
/// <param name="Reason">One of <see cref="RefundReasons"/>.</param>
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
