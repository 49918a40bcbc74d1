using System.Diagnostics.Metrics;

namespace Grains.Storage;

/// <summary>
/// How much group commit saves: per committed write of a hot grain's state, how many callers it answered (1 when the
/// grain is quiet; tens on a flash-sale product). Tagged by state type only (product, wallet, coupon, idempotency).
/// Transactions shared between grains are <c>Commerce.Storage</c>'s writes per transaction.
/// </summary>
public sealed class GroupCommitMetrics
{
    public const string MeterName = "Commerce.GroupCommit";
    public const string BatchSizeName = "commerce.group_commit.batch_size";

    private readonly Histogram<int> _batchSize;

    public GroupCommitMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _batchSize = meters.Create(MeterName).CreateHistogram(
            BatchSizeName,
            unit: "{caller}",
            description: "Callers answered by one committed group-commit write of a grain's state.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    }

    internal void Committed(int callers, in KeyValuePair<string, object?> state) => _batchSize.Record(callers, state);
}
