using PaymentGateway.Ipn;

namespace PaymentGateway.Transactions;

/// <summary>Completing a payment, whoever asks (the pay page's buttons or the admin API): record the outcome, then queue its IPN.</summary>
public sealed class PaymentCompletion(TransactionBook book, IpnQueue ipns)
{
    /// <summary>What a failed payment reports when no code is given: the shopper cancelled.</summary>
    public const string DefaultFailureCode = Payments.VnPay.PaymentResponseCodes.CustomerCancelled;

    public CompletionResult Complete(string txnRef, bool success, string? failureCode)
    {
        var result = book.Complete(txnRef, success, failureCode ?? DefaultFailureCode);
        if (result.Status == CompletionStatus.Completed)
        {
            ipns.Enqueue(result.Transaction!);
        }

        return result;
    }
}
