using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Grains.Outbox;

/// <summary>
/// What the relays on this silo do: events delivered (by type), failed publish attempts, each event's delay from its
/// state change to the broker's confirm, and the outbox lag — how long the oldest event they know to be pending has
/// waited (0 when none is), the number to alert on while the broker is down.
/// </summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "Commerce.Outbox";
    public const string PublishedName = "commerce.outbox.published";
    public const string PublishFailuresName = "commerce.outbox.publish_failures";
    public const string DeliveryDelayName = "commerce.outbox.delivery_delay";
    public const string LagName = "commerce.outbox.lag";
    public const string PurgedName = "commerce.outbox.purged";

    private readonly ConcurrentDictionary<int, DateTimeOffset> _oldestPending = new();
    private readonly TimeProvider _time;
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishFailures;
    private readonly Histogram<double> _deliveryDelay;
    private readonly Counter<long> _purged;

    public OutboxMetrics(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(MeterName);
        _published = meter.CreateCounter<long>(PublishedName, unit: "{event}", description: "Outbox events the broker confirmed.");
        _publishFailures = meter.CreateCounter<long>(PublishFailuresName, description: "Relay rounds that failed (broker or database unreachable); they are retried with back-off.");
        _deliveryDelay = meter.CreateHistogram<double>(DeliveryDelayName, unit: "ms", description: "From an event's state change to the broker's confirm.");
        _purged = meter.CreateCounter<long>(PurgedName, unit: "{event}", description: "Delivered outbox events deleted after their retention.");
        meter.CreateObservableGauge(LagName, Lag, unit: "s", description: "How long the oldest event the relays on this silo know to be pending has waited; 0 when none is.");
    }

    /// <summary>What a relay saw of its shard: the oldest pending event's time, or null when nothing is pending.</summary>
    public void Pending(int shard, DateTimeOffset? oldest)
    {
        if (oldest is { } at)
        {
            _oldestPending[shard] = at;
        }
        else
        {
            _oldestPending.TryRemove(shard, out _);
        }
    }

    /// <summary>A shard's relay left this silo: what it saw is no longer this silo's to report.</summary>
    public void Stopped(int shard) => _oldestPending.TryRemove(shard, out _);

    public void Published(IReadOnlyList<IntegrationEvent> events, DateTimeOffset confirmedAt)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            _published.Add(1, new KeyValuePair<string, object?>("event_type", @event.Type));
            _deliveryDelay.Record((confirmedAt - @event.OccurredAt).TotalMilliseconds);
        }
    }

    public void PublishFailed() => _publishFailures.Add(1);

    public void Purged(int events) => _purged.Add(events);

    /// <summary>The age of the oldest pending event across this silo's shards, in seconds.</summary>
    public double Lag()
    {
        var now = _time.GetUtcNow();
        var lag = TimeSpan.Zero;
        foreach (var oldest in _oldestPending.Values)
        {
            if (now - oldest > lag)
            {
                lag = now - oldest;
            }
        }

        return lag.TotalSeconds;
    }
}
