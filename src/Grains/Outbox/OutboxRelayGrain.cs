using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Outbox;

/// <summary>
/// Delivers one shard of the outbox (the events of the aggregates that hash to it) to the broker, at least once and in
/// the order they were written (case C18). A relay per shard, not a claiming query every silo runs: rows claimed with
/// SKIP LOCKED by several relays at once could put two events of one order in two relays, which may publish them out
/// of order. Orleans keeps one activation per shard in the cluster and moves it when its silo goes; the store's lock on
/// the shard makes a second activation (possible for a moment while membership changes) wait instead of publishing.
/// A batch is marked delivered only once the broker confirmed all of it: a relay killed in between leaves it pending,
/// and it is published again (consumers dedupe by event id).
/// </summary>
public sealed partial class OutboxRelayGrain(
    IOutboxStore store,
    IEventPublisher publisher,
    IOutboxRelayFaults faults,
    IOptions<OutboxOptions> options,
    OutboxMetrics metrics,
    TimeProvider time,
    ILogger<OutboxRelayGrain> logger) : Grain, IOutboxRelayGrain
{
    /// <summary>The batch spans' source: the one the publishers' per-event spans are on (<see cref="EventActivities"/>).</summary>
    private static readonly ActivitySource s_activities = new(EventActivities.PublishSourceName);

    private IGrainTimer? _timer;
    private int _failures;

    private int Shard => (int)this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var poll = options.Value.PollInterval;
        _timer = this.RegisterGrainTimer(RelayAsync, new GrainTimerCreationOptions(TimeSpan.Zero, poll) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Stopped(Shard);
        return Task.CompletedTask;
    }

    public Task KeepRunning() => Task.CompletedTask;

    public Task Settled() => Task.CompletedTask;

    /// <summary>One round: publishes batch after batch until the shard has no more pending, or backs off on a failure.</summary>
    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            while (await RelayBatchAsync(settings, cancellationToken) == settings.BatchSize)
            {
            }

            if (_failures > 0)
            {
                LogResumed(logger, Shard, _failures);
                _failures = 0;
                _timer!.Change(settings.PollInterval, settings.PollInterval);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _failures++;
            metrics.PublishFailed();
            var backoff = Backoff(settings, _failures);
            LogRelayFailed(logger, exception, Shard, _failures, backoff);
            _timer!.Change(backoff, settings.PollInterval);
        }
    }

    /// <summary>Publishes the shard's oldest pending events, marks them delivered, and answers how many.</summary>
    private async Task<int> RelayBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var claim = await store.ClaimAsync(Shard, settings.Shards, settings.BatchSize, cancellationToken);
        if (claim is null)
        {
            // Another activation of this shard (membership was changing) is at work: it carries on, this one waits.
            return 0;
        }

        var events = claim.Events;
        metrics.Pending(Shard, events.Count > 0 ? events[0].OccurredAt : null);
        if (events.Count == 0)
        {
            return 0;
        }

        // Internal: the producer spans are the publisher's, one per event, each in the trace its event was raised in
        // and linked to this one.
        using var activity = s_activities.StartActivity("outbox publish", ActivityKind.Internal);
        activity?.SetTag("outbox.shard", Shard);
        activity?.SetTag("messaging.batch.message_count", events.Count);
        await publisher.PublishAsync(events, cancellationToken);
        await faults.Published(Shard, events, cancellationToken);
        var confirmedAt = time.GetUtcNow();
        await claim.MarkPublishedAsync(confirmedAt, cancellationToken);
        metrics.Published(events, confirmedAt);
        return events.Count;
    }

    /// <summary>Doubling from the poll interval up to the cap, with jitter so that relays do not retry in step.</summary>
    private static TimeSpan Backoff(OutboxOptions settings, int failures)
    {
        var doubled = settings.PollInterval.Ticks * Math.Pow(2, Math.Min(failures, 30));
        var capped = Math.Min(doubled, settings.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.8 + (Random.Shared.NextDouble() * 0.4))));
    }

    [LoggerMessage(1, LogLevel.Warning, "Outbox shard {Shard}: delivery failed ({Failures} in a row); next try in {Backoff}.")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, int shard, int failures, TimeSpan backoff);

    [LoggerMessage(2, LogLevel.Information, "Outbox shard {Shard}: delivering again after {Failures} failed tries.")]
    private static partial void LogResumed(ILogger logger, int shard, int failures);
}
