namespace PaymentGateway.Admin;

// The bodies of the admin API (/_sim), in snake_case. Fields of a request left out take their harmless value.

public sealed record SetMerchantRequest(string? IpnUrl);

public sealed record MerchantView(string TmnCode, string? IpnUrl);

public sealed record IpnFaultsRequest(bool? Drop, int? DelayMs, int? Copies, int? ReorderWindow);

public sealed record IpnFaultsView(bool Drop, int DelayMs, int Copies, int ReorderWindow);

public sealed record StatusFaultsRequest(int? LatencyMs, double? ErrorRate, string? ErrorMode, bool? Down);

public sealed record StatusFaultsView(int LatencyMs, double ErrorRate, string ErrorMode, bool Down);

public sealed record FaultsView(IpnFaultsView Ipn, StatusFaultsView Status);

public sealed record CompleteRequest(string? Outcome, string? ResponseCode);

/// <summary>A transaction as the admin API shows it; dates are VNPay's yyyyMMddHHmmss (GMT+7).</summary>
public sealed record TransactionView(
    string TxnRef,
    long Amount,
    string Status,
    string? TransactionNo,
    string? ResponseCode,
    string TransactionStatus,
    string CreateDate,
    string ExpireDate,
    string? PayDate);

public sealed record StatsView(long QueryRequests, long QueryFailuresInjected, long IpnAttempts);

/// <summary>The values of <see cref="TransactionView.Status"/>.</summary>
public static class TransactionViewStatuses
{
    public const string Pending = "pending";
    public const string Success = "success";
    public const string Failed = "failed";
}

/// <summary>The values of the "outcome" a completion asks for.</summary>
public static class CompletionOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
}

/// <summary>The names of <see cref="Query.StatusErrorMode"/> on the wire.</summary>
public static class StatusErrorModeNames
{
    public const string Http500 = "http500";
    public const string Code99 = "code99";
}

