using System.Diagnostics.Metrics;

namespace Benchmarks;

/// <summary>
/// Counts grain-state writes from Orleans' own meter: the storage bridge records one "orleans-storage-write-latency"
/// measurement per completed write to any provider (ours included), so this is the number of storage round trips,
/// however many callers each one confirmed. Counts every silo in this process.
/// </summary>
public sealed class StorageWriteCounter : IDisposable
{
    private const string MeterName = "Microsoft.Orleans";
    private const string InstrumentName = "orleans-storage-write-latency";

    private readonly MeterListener _listener = new();
    private long _writes;

    public StorageWriteCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _writes));
        _listener.SetMeasurementEventCallback<float>((_, _, _, _) => Interlocked.Increment(ref _writes));
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _writes));
        _listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _writes));
        _listener.Start();
    }

    /// <summary>Writes completed since the start or the last <see cref="Reset"/>.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public void Reset() => Interlocked.Exchange(ref _writes, 0);

    public void Dispose() => _listener.Dispose();
}
