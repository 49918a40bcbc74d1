using Payments.VnPay;

namespace PaymentGateway.Transactions;

/// <summary>The result parameters of a completed payment: sent in the IPN and on the redirect to the return URL alike.</summary>
public static class PaymentResultFields
{
    public static IReadOnlyList<KeyValuePair<string, string?>> Of(PaymentTransaction transaction, string tmnCode)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var outcome = transaction.Outcome ?? throw new ArgumentException("Only a completed transaction has a result.", nameof(transaction));
        return
        [
            new(VnPayFields.Amount, VnPayAmount.ToText(transaction.Amount)),
            new(VnPayFields.BankCode, outcome.BankCode),
            new(VnPayFields.BankTranNo, outcome.BankTranNo),
            new(VnPayFields.CardType, outcome.CardType),
            new(VnPayFields.OrderInfo, transaction.OrderInfo),
            new(VnPayFields.PayDate, outcome.PayDate),
            new(VnPayFields.ResponseCode, outcome.ResponseCode),
            new(VnPayFields.TmnCode, tmnCode),
            new(VnPayFields.TransactionNo, outcome.TransactionNo),
            new(VnPayFields.TransactionStatus, outcome.TransactionStatus),
            new(VnPayFields.TxnRef, transaction.TxnRef),
        ];
    }
}
