using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Runtime.Tests.Infrastructure;

/// <summary>
/// Sums one long counter of one silo (the silo's own IMeterFactory scopes its meters), optionally only measurements
/// carrying a given tag, and lets a test await a total: the runtime's metrics double as its observable signals.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly AwaitableCounter _total = new();

    public MetricRecorder(IServiceProvider siloServices, string instrumentName, string? requiredTag = null)
    {
        var scope = siloServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (requiredTag is null || HasTag(tags, requiredTag))
            {
                _total.Add(value);
            }
        });
        _listener.Start();
    }

    public long Total => _total.Value;

    public Task WaitForTotalAsync(long target) => _total.WhenAtLeast(target);

    public void Dispose() => _listener.Dispose();

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string required)
    {
        foreach (var tag in tags)
        {
            if ($"{tag.Key}={tag.Value}" == required)
            {
                return true;
            }
        }

        return false;
    }
}
