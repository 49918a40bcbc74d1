using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Persistence.Purge;

/// <summary>
/// Deletes, every <see cref="CommerceOptions.IdempotencyPurgePeriod"/>, the idempotency keys that outlived
/// <see cref="CommerceOptions.IdempotencyRetention"/> (their grains already treat them as free), in batches of
/// <see cref="CommerceOptions.IdempotencyPurgeBatchSize"/>.
/// </summary>
public sealed class IdempotencyKeyPurgeService : RetentionPurgeService
{
    public const string MeterName = "Commerce.Idempotency";
    public const string PurgedName = "commerce.idempotency.keys_purged";

    private readonly IIdempotencyKeyPurge _purge;
    private readonly IOptions<CommerceOptions> _options;
    private readonly Counter<long> _purged;

    public IdempotencyKeyPurgeService(IIdempotencyKeyPurge purge, IOptions<CommerceOptions> options, TimeProvider time, IMeterFactory meters, ILogger<IdempotencyKeyPurgeService> logger)
        : base(time, logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (_purge, _options) = (purge, options);
        _purged = meters.Create(MeterName).CreateCounter<long>(PurgedName, description: "Idempotency keys deleted after their retention period.");
    }

    protected override TimeSpan Period => _options.Value.IdempotencyPurgePeriod;

    protected override TimeSpan Retention => _options.Value.IdempotencyRetention;

    protected override int BatchSize => _options.Value.IdempotencyPurgeBatchSize;

    protected override Task<int> DeleteBatchAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
        => _purge.DeleteBatchAsync(before, limit, cancellationToken);

    protected override void Purged(int rows) => _purged.Add(rows);
}
