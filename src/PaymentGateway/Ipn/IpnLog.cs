namespace PaymentGateway.Ipn;

/// <summary>Every IPN attempt, in the order they ended, for the admin API; each is also written to the log.</summary>
public sealed class IpnLog(ILogger<IpnLog> logger)
{
    private readonly Lock _lock = new();
    private readonly List<IpnAttempt> _attempts = [];
    private TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(IpnAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        TaskCompletionSource recorded;
        lock (_lock)
        {
            _attempts.Add(attempt);
            recorded = _recorded;
            _recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        recorded.TrySetResult();

        logger.LogInformation(
            "IPN {TxnRef} #{TransactionNo} copy {Copy} attempt {Attempt}: {Outcome} (RspCode {RspCode}, HTTP {HttpStatus}, error {Error})",
            attempt.TxnRef, attempt.TransactionNo, attempt.Copy, attempt.Attempt, attempt.Outcome, attempt.RspCode, attempt.HttpStatus, attempt.Error);
    }

    /// <summary>
    /// The entries for <paramref name="txnRef"/> once there are more than <paramref name="after"/> of them, or as they are
    /// when <paramref name="wait"/> runs out: a long poll, so a watcher learns of a new attempt as it is recorded.
    /// </summary>
    public async Task<IReadOnlyList<IpnAttempt>> EntriesAfterAsync(string? txnRef, int after, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        while (true)
        {
            Task recorded;
            lock (_lock)
            {
                var entries = Entries(txnRef);
                if (entries.Count > after)
                {
                    return entries;
                }

                recorded = _recorded.Task;
            }

            try
            {
                await recorded.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Entries(txnRef);
            }
        }
    }

    public IReadOnlyList<IpnAttempt> Entries(string? txnRef)
    {
        lock (_lock)
        {
            return txnRef is null ? [.. _attempts] : [.. _attempts.Where(a => a.TxnRef == txnRef)];
        }
    }
}
