namespace Payments.VnPay;

/// <summary>What a merchant answers to an IPN (<c>RspCode</c>). The gateway retries on anything but 00 and 02.</summary>
public static class IpnReplyCodes
{
    public const string Confirmed = "00";
    public const string OrderNotFound = "01";
    public const string AlreadyConfirmed = "02";
    public const string InvalidAmount = "04";
    public const string InvalidChecksum = "97";
    public const string UnknownError = "99";

    /// <summary>Whether the gateway stops retrying on this answer.</summary>
    public static bool IsFinal(string? code) => code is Confirmed or AlreadyConfirmed;
}

/// <summary>The querydr API's <c>vnp_ResponseCode</c>: whether the query itself succeeded.</summary>
public static class QueryResponseCodes
{
    public const string Success = "00";
    public const string InvalidMerchant = "02";
    public const string InvalidFormat = "03";
    public const string TransactionNotFound = "91";
    public const string DuplicateRequest = "94";
    public const string InvalidChecksum = "97";
    public const string OtherError = "99";
}

/// <summary>A transaction's <c>vnp_TransactionStatus</c> at the gateway.</summary>
public static class TransactionStatuses
{
    public const string Success = "00";
    public const string Pending = "01";
    public const string Failed = "02";
    public const string Reversed = "04";
    public const string RefundProcessing = "05";
    public const string RefundSent = "06";
    public const string SuspectedFraud = "07";
    public const string RefundRejected = "09";
}

/// <summary>A payment attempt's <c>vnp_ResponseCode</c> (pay result, in IPNs and return URLs).</summary>
public static class PaymentResponseCodes
{
    public const string Success = "00";
    public const string SuspectedFraud = "07";
    public const string CustomerCancelled = "24";
    public const string InsufficientFunds = "51";
    public const string Expired = "11";
    public const string OtherError = "99";
}
