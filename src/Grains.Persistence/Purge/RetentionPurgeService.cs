using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grains.Persistence.Purge;

/// <summary>
/// Deletes, every <see cref="Period"/>, the rows that outlived <see cref="Retention"/>, in batches of
/// <see cref="BatchSize"/>, so a table holds about one retention's worth. Runs on every silo; the deletes skip rows
/// another silo is deleting, so the silos do not wait on each other.
/// </summary>
public abstract partial class RetentionPurgeService(TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Period { get; }

    protected abstract TimeSpan Retention { get; }

    protected abstract int BatchSize { get; }

    /// <summary>Deletes at most <paramref name="limit"/> rows older than <paramref name="before"/>; answers how many.</summary>
    protected abstract Task<int> DeleteBatchAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>After a pass that deleted something: for the metrics.</summary>
    protected abstract void Purged(int rows);

    /// <summary>One pass: deletes every row expired now, batch after batch; answers how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - Retention;
        var batchSize = BatchSize;
        var total = 0;
        int deleted;
        do
        {
            deleted = await DeleteBatchAsync(before, batchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == batchSize);

        if (total > 0)
        {
            Purged(total);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next period tries again; what was left meanwhile is only kept a little longer.
                LogPurgeFailed(logger, exception, GetType().Name);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "{Purge} failed; the next period retries.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception, string purge);
}
