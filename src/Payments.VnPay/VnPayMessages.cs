using System.Text.Json.Serialization;

namespace Payments.VnPay;

/// <summary>The merchant's answer to an IPN; always HTTP 200.</summary>
public sealed record VnPayIpnReply(
    [property: JsonPropertyName("RspCode")] string RspCode,
    [property: JsonPropertyName("Message")] string Message);

/// <summary>
/// A querydr request (POST JSON to the merchant API). Checksum over
/// <c>RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|IpAddr|OrderInfo</c>.
/// </summary>
public sealed record VnPayQueryRequest(
    [property: JsonPropertyName("vnp_RequestId")] string? RequestId,
    [property: JsonPropertyName("vnp_Version")] string? Version,
    [property: JsonPropertyName("vnp_Command")] string? Command,
    [property: JsonPropertyName("vnp_TmnCode")] string? TmnCode,
    [property: JsonPropertyName("vnp_TxnRef")] string? TxnRef,
    [property: JsonPropertyName("vnp_OrderInfo")] string? OrderInfo,
    [property: JsonPropertyName("vnp_TransactionNo")] string? TransactionNo,
    [property: JsonPropertyName("vnp_TransactionDate")] string? TransactionDate,
    [property: JsonPropertyName("vnp_CreateDate")] string? CreateDate,
    [property: JsonPropertyName("vnp_IpAddr")] string? IpAddr,
    [property: JsonPropertyName("vnp_SecureHash")] string? SecureHash)
{
    public string SignedData()
        => string.Join('|', RequestId, Version, Command, TmnCode, TxnRef, TransactionDate, CreateDate, IpAddr, OrderInfo);

    public VnPayQueryRequest Signed(string secret) => this with { SecureHash = VnPaySignature.Compute(secret, SignedData()) };

    public bool IsSignedBy(string secret) => VnPaySignature.Matches(VnPaySignature.Compute(secret, SignedData()), SecureHash);
}

/// <summary>
/// A querydr response. Checksum over <c>ResponseId|Command|ResponseCode|Message|TmnCode|TxnRef|Amount|BankCode|
/// PayDate|TransactionNo|TransactionType|TransactionStatus|OrderInfo|PromotionCode|PromotionAmount</c>.
/// </summary>
public sealed record VnPayQueryResponse(
    [property: JsonPropertyName("vnp_ResponseId")] string? ResponseId,
    [property: JsonPropertyName("vnp_Command")] string? Command,
    [property: JsonPropertyName("vnp_ResponseCode")] string? ResponseCode,
    [property: JsonPropertyName("vnp_Message")] string? Message,
    [property: JsonPropertyName("vnp_TmnCode")] string? TmnCode,
    [property: JsonPropertyName("vnp_TxnRef")] string? TxnRef,
    [property: JsonPropertyName("vnp_Amount")] string? Amount,
    [property: JsonPropertyName("vnp_BankCode")] string? BankCode,
    [property: JsonPropertyName("vnp_PayDate")] string? PayDate,
    [property: JsonPropertyName("vnp_TransactionNo")] string? TransactionNo,
    [property: JsonPropertyName("vnp_TransactionType")] string? TransactionType,
    [property: JsonPropertyName("vnp_TransactionStatus")] string? TransactionStatus,
    [property: JsonPropertyName("vnp_OrderInfo")] string? OrderInfo,
    [property: JsonPropertyName("vnp_PromotionCode")] string? PromotionCode,
    [property: JsonPropertyName("vnp_PromotionAmount")] string? PromotionAmount,
    [property: JsonPropertyName("vnp_SecureHash")] string? SecureHash)
{
    public string SignedData()
        => string.Join('|', ResponseId, Command, ResponseCode, Message, TmnCode, TxnRef, Amount, BankCode, PayDate, TransactionNo,
            TransactionType, TransactionStatus, OrderInfo, PromotionCode, PromotionAmount);

    public VnPayQueryResponse Signed(string secret) => this with { SecureHash = VnPaySignature.Compute(secret, SignedData()) };

    public bool IsSignedBy(string secret) => VnPaySignature.Matches(VnPaySignature.Compute(secret, SignedData()), SecureHash);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(VnPayIpnReply))]
[JsonSerializable(typeof(VnPayQueryRequest))]
[JsonSerializable(typeof(VnPayQueryResponse))]
public sealed partial class VnPayJsonContext : JsonSerializerContext;
