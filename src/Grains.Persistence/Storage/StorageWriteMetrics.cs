using System.Diagnostics.Metrics;

namespace Grains.Persistence.Storage;

/// <summary>
/// How the silo's state writes reach PostgreSQL: how many grains' writes each transaction carried, and how many shared
/// transactions were rolled back to run their writes one by one (a conflict or a broken constraint among them).
/// </summary>
public sealed class StorageWriteMetrics
{
    public const string MeterName = "Commerce.Storage";
    public const string WritesPerTransactionName = "commerce.storage.writes_per_transaction";
    public const string SharedRollbacksName = "commerce.storage.shared_rollbacks";

    private readonly Histogram<int> _writesPerTransaction;
    private readonly Counter<long> _sharedRollbacks;

    public StorageWriteMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _writesPerTransaction = meter.CreateHistogram<int>(WritesPerTransactionName, unit: "{write}", description: "Grain state writes committed by one transaction.");
        _sharedRollbacks = meter.CreateCounter<long>(SharedRollbacksName, description: "Shared transactions rolled back so that their writes ran one by one.");
    }

    public void Committed(int writes) => _writesPerTransaction.Record(writes);

    public void RolledBack() => _sharedRollbacks.Add(1);
}
