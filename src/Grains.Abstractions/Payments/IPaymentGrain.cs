using Runtime;

namespace Grains.Payments;

/// <summary>
/// One payment at the gateway, keyed by its id (the gateway's <c>vnp_TxnRef</c>). It is opened by the order saga,
/// hears from the gateway by notification (IPN) or by asking it (a reminder polls while the payment is pending), and
/// tells its order once it succeeds. Every report is deduplicated on its transaction number and outcome, and a report
/// that no longer fits (a failure after success, a repeat) is recorded and ignored (cases C10 and C16).
/// </summary>
[GrainType("payment")]
public interface IPaymentGrain : IGrainWithStringKey
{
    /// <summary>Opens the payment for an order and answers its pay URL; opening it again for the same order answers the same.</summary>
    Task<PaymentOpened> Open(OpenPayment command);

    /// <summary>The order's saga failed after opening the payment: the payment is forgotten (saga compensation).</summary>
    Task Discard(string orderId);

    Task<PaymentView?> Get();

    /// <summary>A report from the gateway whose checksum the caller has verified.</summary>
    Task<PaymentReportOutcome> Report(PaymentReport report);
}

public sealed record OpenPayment(string OrderId, long Amount, string Currency, DateTimeOffset ExpiresAt, string ClientIp);

public sealed record PaymentOpened(string PaymentId, string PayUrl);

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
public sealed record PaymentReport(
    string TransactionNo,
    long? Amount,
    string ResponseCode,
    string TransactionStatus,
    string? BankCode,
    string? PayDate,
    PaymentReportSource Source)
{
    public bool IsSuccess => ResponseCode == "00" && TransactionStatus == "00";

    public bool IsHeldAsSuspicious => ResponseCode == "07" || TransactionStatus == "07";
}

/// <summary>How a report was taken; the IPN endpoint answers 00, 01, 04 and 02 for these.</summary>
public enum PaymentReportOutcome
{
    Recorded,
    UnknownPayment,
    AmountMismatch,
    AlreadyConfirmed,
}

public enum PaymentStatus
{
    Pending,
    Succeeded,
}

public sealed record PaymentView(
    string Id,
    string OrderId,
    PaymentStatus Status,
    long Amount,
    string Currency,
    string PayUrl,
    string? TransactionNo,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? PaidAt,
    bool OrderConfirmed,
    int ReportCount);
