using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Runtime.Diagnostics;

/// <summary>
/// The runtime's instruments on the <c>Runtime</c> meter: grain calls and their latency, live activations per
/// grain type, and storage writes with their latency and batch size (how many callers one write confirmed).
/// </summary>
internal sealed class RuntimeMetrics
{
    public const string MeterName = "Runtime";

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _storageWriteDuration;
    private readonly Histogram<int> _storageWriteBatchSize;
    private readonly Counter<long> _storageWrites;
    private readonly Counter<long> _reminderTicks;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _activations = new(StringComparer.Ordinal);

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        // The factory owns the meter's lifetime (one per silo, disposed with the silo's services).
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>("runtime.grain.calls", description: "Grain calls completed.");
        _callDuration = meter.CreateHistogram<double>("runtime.grain.call.duration", unit: "ms", description: "Time from a grain call to its completion.");
        _storageWrites = meter.CreateCounter<long>("runtime.storage.writes", description: "Grain state writes (one per group-commit batch).");
        _storageWriteDuration = meter.CreateHistogram<double>("runtime.storage.write.duration", unit: "ms", description: "Latency of one grain state write.");
        _storageWriteBatchSize = meter.CreateHistogram<int>("runtime.storage.write.batch_size", description: "WriteStateAsync callers confirmed by one write.");
        _reminderTicks = meter.CreateCounter<long>("runtime.reminder.ticks", description: "Reminder ticks processed, by outcome: advanced (delivered, moved to the next tick), superseded (delivered, but the reminder changed meanwhile), retried (not delivered).");
        meter.CreateObservableUpDownCounter("runtime.activations", ObserveActivations, description: "Live activations per grain type.");
    }

    public void RecordCall(string grainType, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("grain.type", grainType);
        _calls.Add(1, tag);
        if (_callDuration.Enabled)
        {
            _callDuration.Record(duration.TotalMilliseconds, tag);
        }
    }

    public void RecordStorageWrite(string grainType, TimeSpan duration, int batchSize, bool succeeded)
    {
        var type = new KeyValuePair<string, object?>("grain.type", grainType);
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "committed" : "failed");
        _storageWrites.Add(1, type, outcome);
        _storageWriteDuration.Record(duration.TotalMilliseconds, type, outcome);
        _storageWriteBatchSize.Record(batchSize, type);
    }

    public void RecordReminderTick(ReminderTickOutcome outcome)
        => _reminderTicks.Add(1, new KeyValuePair<string, object?>("outcome", outcome switch
        {
            ReminderTickOutcome.Advanced => "advanced",
            ReminderTickOutcome.Superseded => "superseded",
            _ => "retried",
        }));

    /// <summary>Live activations per grain type, as reported with the silo's heartbeat.</summary>
    public ImmutableDictionary<string, long> ActivationCounts()
        => _activations.Where(pair => Interlocked.Read(ref pair.Value.Value) > 0).ToImmutableDictionary(pair => pair.Key, pair => Interlocked.Read(ref pair.Value.Value));

    public void ActivationCreated(string grainType) => Interlocked.Increment(ref _activations.GetOrAdd(grainType, static _ => new StrongBox<long>()).Value);

    public void ActivationRemoved(string grainType) => Interlocked.Decrement(ref _activations.GetOrAdd(grainType, static _ => new StrongBox<long>()).Value);

    private IEnumerable<Measurement<long>> ObserveActivations()
        => _activations.Select(pair => new Measurement<long>(Interlocked.Read(ref pair.Value.Value), new KeyValuePair<string, object?>("grain.type", pair.Key)));
}

internal enum ReminderTickOutcome
{
    Advanced,
    Superseded,
    Retried,
}
