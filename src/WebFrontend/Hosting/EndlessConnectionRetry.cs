namespace WebFrontend.Hosting;

/// <summary>
/// Retries the client's connection for as long as the front end runs: no gateway yet, the database not migrated yet,
/// or not reachable at all are all worth waiting for. Logged on the first failure and then every tenth.
/// </summary>
public sealed partial class EndlessConnectionRetry(TimeProvider time, ILogger<EndlessConnectionRetry> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan s_delay = TimeSpan.FromSeconds(1);
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) % 10 == 1)
        {
            LogNotYetConnected(logger, exception, _attempts);
        }

        await Task.Delay(s_delay, time, cancellationToken);
        return true;
    }

    [LoggerMessage(2, LogLevel.Warning, "Not connected to the silo cluster yet (attempt {Attempt}); retrying.")]
    private static partial void LogNotYetConnected(ILogger logger, Exception exception, int attempt);
}
