using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Runtime.TestingHost;

/// <summary>
/// Sums one long counter of one silo (the silo's own IMeterFactory scopes its meters), optionally only measurements
/// carrying a given tag, and lets a test await a total: the runtime's metrics double as its observable signals.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly AwaitableCounter _total = new();

    public MetricRecorder(IServiceProvider siloServices, string instrumentName, string? requiredTag = null)
        : this(siloServices, instrumentName, requiredTag is null ? [] : [requiredTag])
    {
    }

    /// <summary>Counts measurements carrying any one of <paramref name="anyOfTags"/> ("key=value"); all of them when empty.</summary>
    public MetricRecorder(IServiceProvider siloServices, string instrumentName, IReadOnlyCollection<string> anyOfTags)
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
            if (anyOfTags.Count == 0 || HasAnyTag(tags, anyOfTags))
            {
                _total.Add(value);
            }
        });
        _listener.Start();
    }

    public long Total => _total.Value;

    public Task WaitForTotalAsync(long target) => _total.WhenAtLeast(target);

    public void Dispose() => _listener.Dispose();

    private static bool HasAnyTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, IReadOnlyCollection<string> wanted)
    {
        foreach (var tag in tags)
        {
            if (wanted.Contains($"{tag.Key}={tag.Value}"))
            {
                return true;
            }
        }

        return false;
    }
}
