namespace PaymentGateway.Transactions;

/// <summary>
/// One payment as the gateway holds it: the facts of the pay request that registered it, and its outcome once the
/// shopper (or a test) completed it. Immutable; the book swaps in a new value when it completes.
/// </summary>
public sealed record PaymentTransaction(
    string TxnRef,
    long Amount,
    string OrderInfo,
    string ReturnUrl,
    string CreateDate,
    string ExpireDate,
    DateTimeOffset ExpiresAt,
    PaymentOutcome? Outcome = null)
{
    public bool IsPending => Outcome is null;

    /// <summary>The <c>vnp_TransactionStatus</c> VNPay reports for it: pending until completed.</summary>
    public string TransactionStatus => Outcome?.TransactionStatus ?? Payments.VnPay.TransactionStatuses.Pending;
}

/// <summary>What completing a payment fixed: VNPay's transaction number, when and how it was paid, and the result codes.</summary>
public sealed record PaymentOutcome(
    bool Succeeded,
    string TransactionNo,
    string PayDate,
    string ResponseCode,
    string TransactionStatus,
    string BankCode,
    string BankTranNo,
    string CardType);
