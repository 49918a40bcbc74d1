using Payments.VnPay;
using PaymentGateway.Transactions;

namespace PaymentGateway.Query;

/// <summary>Builds querydr responses: every one, errors included, has a fresh response id and is signed.</summary>
public static class QueryResponses
{
    /// <summary>VNPay's code for a purchase, the only kind of transaction this gateway makes.</summary>
    private const string PurchaseTransactionType = "01";

    public static VnPayQueryResponse Error(string code, string message, VnPayQueryRequest? request, string ourTmnCode, string secret)
        => new VnPayQueryResponse(NewResponseId(), VnPayProtocol.QueryCommand, code, message, NonEmpty(request?.TmnCode) ?? ourTmnCode, request?.TxnRef,
            Amount: null, BankCode: null, PayDate: null, TransactionNo: null, TransactionType: null, TransactionStatus: null, OrderInfo: null,
            PromotionCode: null, PromotionAmount: null, SecureHash: null).Signed(secret);

    public static VnPayQueryResponse Found(PaymentTransaction transaction, string tmnCode, string secret)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var outcome = transaction.Outcome;

        // While pending there is no VNPay transaction yet, so nothing about how it was paid; the fields are sent empty.
        return new VnPayQueryResponse(NewResponseId(), VnPayProtocol.QueryCommand, QueryResponseCodes.Success, "QueryDR Success", tmnCode, transaction.TxnRef,
            VnPayAmount.ToText(transaction.Amount), outcome?.BankCode ?? "", outcome?.PayDate ?? "", outcome?.TransactionNo ?? "", PurchaseTransactionType,
            transaction.TransactionStatus, transaction.OrderInfo, PromotionCode: "", PromotionAmount: "", SecureHash: null).Signed(secret);
    }

    private static string NewResponseId() => Guid.NewGuid().ToString("N");

    private static string? NonEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
