using Payments.VnPay;

namespace PaymentGateway.Transactions;

/// <summary>
/// Every transaction the gateway has seen, in memory. One lock guards the lot: a simulator's traffic is small, and
/// it keeps registration, completion and transaction numbering trivially consistent with each other.
/// </summary>
public sealed class TransactionBook(TimeProvider time)
{
    /// <summary>VNPay's transaction numbers are 8 digits; these start here and increase with each completion.</summary>
    private const long FirstTransactionNo = 14_000_001;

    private const string SimulatedBankCode = "NCB";
    private const string SimulatedCardType = "ATM";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, PaymentTransaction> _transactions = new(StringComparer.Ordinal);
    private long _nextTransactionNo = FirstTransactionNo;

    /// <summary>Registers the transaction a pay request asks for, or finds the one already registered under its reference.</summary>
    public RegistrationResult Register(PaymentTransaction requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        lock (_lock)
        {
            if (_transactions.TryGetValue(requested.TxnRef, out var existing))
            {
                // A shopper reloading the pay page is the same payment; the same reference for another amount is not.
                return new RegistrationResult(existing.Amount == requested.Amount ? RegistrationStatus.Existing : RegistrationStatus.AmountConflict, existing);
            }

            _transactions.Add(requested.TxnRef, requested);
            return new RegistrationResult(RegistrationStatus.Registered, requested);
        }
    }

    public PaymentTransaction? Find(string txnRef)
    {
        lock (_lock)
        {
            return _transactions.GetValueOrDefault(txnRef);
        }
    }

    /// <summary>Completes a pending, unexpired transaction: successfully, or failed with <paramref name="failureCode"/>.</summary>
    public CompletionResult Complete(string txnRef, bool success, string failureCode)
    {
        lock (_lock)
        {
            if (!_transactions.TryGetValue(txnRef, out var transaction))
            {
                return new CompletionResult(CompletionStatus.NotFound, null);
            }

            if (!transaction.IsPending)
            {
                return new CompletionResult(CompletionStatus.AlreadyCompleted, transaction);
            }

            var now = time.GetUtcNow();
            if (now > transaction.ExpiresAt)
            {
                return new CompletionResult(CompletionStatus.Expired, transaction);
            }

            var transactionNo = (_nextTransactionNo++).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var outcome = new PaymentOutcome(
                Succeeded: success,
                TransactionNo: transactionNo,
                PayDate: VnPayTime.ToText(now),
                ResponseCode: success ? PaymentResponseCodes.Success : failureCode,
                TransactionStatus: success ? TransactionStatuses.Success : TransactionStatuses.Failed,
                BankCode: SimulatedBankCode,
                BankTranNo: "VNP" + transactionNo,
                CardType: SimulatedCardType);
            var completed = transaction with { Outcome = outcome };
            _transactions[txnRef] = completed;
            return new CompletionResult(CompletionStatus.Completed, completed);
        }
    }
}

public enum RegistrationStatus
{
    Registered,
    Existing,
    AmountConflict,
}

public sealed record RegistrationResult(RegistrationStatus Status, PaymentTransaction Transaction);

public enum CompletionStatus
{
    Completed,
    NotFound,
    AlreadyCompleted,
    Expired,
}

public sealed record CompletionResult(CompletionStatus Status, PaymentTransaction? Transaction);
