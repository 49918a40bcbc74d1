using Grains.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Purge;

/// <summary>Deletes delivered outbox events older than <see cref="OutboxOptions.Retention"/>; pending ones are never touched.</summary>
public sealed class OutboxPurgeService(IOutboxStore outbox, IOptions<OutboxOptions> options, OutboxMetrics metrics, TimeProvider time, ILogger<OutboxPurgeService> logger)
    : RetentionPurgeService(time, logger)
{
    protected override TimeSpan Period => options.Value.PurgePeriod;

    protected override TimeSpan Retention => options.Value.Retention;

    protected override int BatchSize => options.Value.PurgeBatchSize;

    protected override Task<int> DeleteBatchAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
        => outbox.PurgeAsync(before, limit, cancellationToken);

    protected override void Purged(int rows) => metrics.Purged(rows);
}
