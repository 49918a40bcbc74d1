namespace PaymentGateway.Ipn;

/// <summary>Every IPN attempt, in the order they ended, for the admin API; each is also written to the log.</summary>
public sealed class IpnLog(ILogger<IpnLog> logger)
{
    private readonly Lock _lock = new();
    private readonly List<IpnAttempt> _attempts = [];

    public void Record(IpnAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (_lock)
        {
            _attempts.Add(attempt);
        }

        logger.LogInformation(
            "IPN {TxnRef} #{TransactionNo} copy {Copy} attempt {Attempt}: {Outcome} (RspCode {RspCode}, HTTP {HttpStatus}, error {Error})",
            attempt.TxnRef, attempt.TransactionNo, attempt.Copy, attempt.Attempt, attempt.Outcome, attempt.RspCode, attempt.HttpStatus, attempt.Error);
    }

    public IReadOnlyList<IpnAttempt> Entries(string? txnRef)
    {
        lock (_lock)
        {
            return txnRef is null ? [.. _attempts] : [.. _attempts.Where(a => a.TxnRef == txnRef)];
        }
    }
}
