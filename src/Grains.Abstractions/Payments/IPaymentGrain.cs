namespace Grains.Payments;

/// <summary>
/// One payment at the gateway, keyed by its id (the gateway's <c>vnp_TxnRef</c>). It is opened by the order saga,
/// hears from the gateway by notification (IPN) or by asking it (a reminder polls while the payment is pending), and
/// tells its order once it succeeds. Every report is deduplicated on its transaction number and outcome, and a report
/// that no longer fits (a failure after success, a repeat) is recorded and ignored (cases C10 and C16).
/// </summary>
[Alias("commerce.payment")]
public interface IPaymentGrain : IGrainWithStringKey
{
    /// <summary>Opens the payment for an order and answers its pay URL; opening it again for the same order answers the same.</summary>
    [Alias("open")]
    Task<PaymentOpened> Open(OpenPayment command);

    /// <summary>The order's saga failed after opening the payment: the payment is forgotten (saga compensation).</summary>
    [Alias("discard")]
    Task Discard(string orderId);

    [Alias("get")]
    Task<PaymentView?> Get();

    /// <summary>A report from the gateway whose checksum the caller has verified.</summary>
    [Alias("report")]
    Task<PaymentReportOutcome> Report(PaymentReport report);
}

[GenerateSerializer, Immutable, Alias("commerce.OpenPayment")]
public sealed record OpenPayment(
    [property: Id(0)] string OrderId,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Currency,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] string ClientIp);

[GenerateSerializer, Immutable, Alias("commerce.PaymentOpened")]
public sealed record PaymentOpened([property: Id(0)] string PaymentId, [property: Id(1)] string PayUrl);

[GenerateSerializer, Alias("commerce.PaymentReportSource")]
public enum PaymentReportSource
{
    /// <summary>The gateway called us (IPN).</summary>
    Notification,

    /// <summary>We asked the gateway (querydr).</summary>
    StatusQuery,
}

/// <summary>
/// What the gateway says about one transaction of the payment. <see cref="Amount"/> is in the currency's unit, null
/// when the gateway's amount was not a whole one. Success is response code 00 with transaction status 00; code 07 is
/// money taken but held by the gateway as suspected fraud, which is not a success until the gateway says so.
/// </summary>
[GenerateSerializer, Immutable, Alias("commerce.PaymentReport")]
public sealed record PaymentReport(
    [property: Id(0)] string TransactionNo,
    [property: Id(1)] long? Amount,
    [property: Id(2)] string ResponseCode,
    [property: Id(3)] string TransactionStatus,
    [property: Id(4)] string? BankCode,
    [property: Id(5)] string? PayDate,
    [property: Id(6)] PaymentReportSource Source)
{
    public bool IsSuccess => ResponseCode == "00" && TransactionStatus == "00";

    public bool IsHeldAsSuspicious => ResponseCode == "07" || TransactionStatus == "07";
}

/// <summary>How a report was taken; the IPN endpoint answers 00, 01, 04 and 02 for these.</summary>
[GenerateSerializer, Alias("commerce.PaymentReportOutcome")]
public enum PaymentReportOutcome
{
    Recorded,
    UnknownPayment,
    AmountMismatch,
    AlreadyConfirmed,
}

[GenerateSerializer, Alias("commerce.PaymentStatus")]
public enum PaymentStatus
{
    Pending,
    Succeeded,
}

[GenerateSerializer, Immutable, Alias("commerce.PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string OrderId,
    [property: Id(2)] PaymentStatus Status,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] string PayUrl,
    [property: Id(6)] string? TransactionNo,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] DateTimeOffset? PaidAt,
    [property: Id(10)] bool OrderConfirmed,
    [property: Id(11)] int ReportCount);
