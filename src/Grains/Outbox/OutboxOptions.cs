using System.ComponentModel.DataAnnotations;

namespace Grains.Outbox;

/// <summary>The outbox relay and purge ("Outbox" section); checked at start.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>
    /// How many relays share the outbox, one per shard of aggregates (orders, payments) across the cluster. Every silo
    /// must use the same number: a change is made with the cluster stopped (else two relays may briefly take one
    /// aggregate's events, and one of them may publish them out of order).
    /// </summary>
    [Range(1, 256)]
    public int Shards { get; set; } = 4;

    /// <summary>Events a relay publishes per broker round trip (and holds its shard's lock for).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How often an idle relay looks for new events: the lag an event waits at most when nothing else is pending.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a relay waits before trying again while the broker fails (it doubles from <see cref="PollInterval"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each silo makes sure every shard's relay runs: a relay lost with its silo is back within this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan KeepRunningPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a delivered event stays in the outbox (for an operator's questions) before it is purged.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each silo purges delivered events older than <see cref="Retention"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PurgePeriod { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 5_000;
}
