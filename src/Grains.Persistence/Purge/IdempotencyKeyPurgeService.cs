using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Purge;

/// <summary>
/// Deletes, every <see cref="CommerceOptions.IdempotencyPurgePeriod"/>, the idempotency keys that outlived
/// <see cref="CommerceOptions.IdempotencyRetention"/> (their grains already treat them as free), in batches of
/// <see cref="CommerceOptions.IdempotencyPurgeBatchSize"/>, so the table holds about one retention's worth of keys.
/// Runs on every silo; the batches do not wait on each other.
/// </summary>
public sealed partial class IdempotencyKeyPurgeService : BackgroundService
{
    public const string MeterName = "Commerce.Idempotency";
    public const string PurgedName = "commerce.idempotency.keys_purged";

    private readonly IIdempotencyKeyPurge _purge;
    private readonly IOptions<CommerceOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IdempotencyKeyPurgeService> _logger;
    private readonly Counter<long> _purged;

    public IdempotencyKeyPurgeService(IIdempotencyKeyPurge purge, IOptions<CommerceOptions> options, TimeProvider time, IMeterFactory meters, ILogger<IdempotencyKeyPurgeService> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (_purge, _options, _time, _logger) = (purge, options, time, logger);
        _purged = meters.Create(MeterName).CreateCounter<long>(PurgedName, description: "Idempotency keys deleted after their retention period.");
    }

    /// <summary>One pass: deletes every key expired now, batch after batch; answers how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var changedBefore = _time.GetUtcNow() - options.IdempotencyRetention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await _purge.DeleteBatchAsync(changedBefore, options.IdempotencyPurgeBatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == options.IdempotencyPurgeBatchSize);

        if (total > 0)
        {
            _purged.Add(total);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.IdempotencyPurgePeriod, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next period tries again; an expired key left meanwhile is free to its grain anyway.
                LogPurgeFailed(_logger, exception);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Purging expired idempotency keys failed; the next period retries.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
