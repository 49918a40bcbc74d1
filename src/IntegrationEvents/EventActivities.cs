using System.Diagnostics;

namespace IntegrationEvents;

/// <summary>
/// The spans of publishing events (activity source <c>Commerce.Outbox</c>), named and tagged after OpenTelemetry's
/// messaging conventions: one producer span per event, <c>publish &lt;event type&gt;</c>, whose parent is the trace the
/// event was raised in, so that one order's trace runs from its HTTP request through the relay to the mail.
/// </summary>
public static class EventActivities
{
    public const string PublishSourceName = "Commerce.Outbox";

    private static readonly ActivitySource s_publish = new(PublishSourceName);

    /// <summary>
    /// Starts the span of publishing <paramref name="event"/> (it becomes <see cref="Activity.Current"/>); null when
    /// nobody listens. Its parent is the event's recorded trace, not the span the publisher runs in (the relay's batch):
    /// a batch carries many orders' events, so the batch is a link. An event raised outside any trace is published as
    /// part of the batch instead.
    /// </summary>
    /// <param name="system">The broker (<c>messaging.system</c>, e.g. <c>rabbitmq</c>); null when delivered in process.</param>
    /// <param name="destination">Where it is published (<c>messaging.destination.name</c>: the exchange); null in process.</param>
    public static Activity? StartPublish(IntegrationEvent @event, string? system, string? destination)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!s_publish.HasListeners())
        {
            // Per event on the relay's path: no tags, names or id strings for a span nobody records.
            return null;
        }

        var batch = Activity.Current;
        ActivityContext parent = default;
        var raisedInTrace = @event.Trace is { } trace && trace.TryGetContext(out parent);
        ActivityLink[]? links = raisedInTrace && batch is not null ? [new ActivityLink(batch.Context)] : null;
        var tags = new List<KeyValuePair<string, object?>>(5)
        {
            new("messaging.operation.type", "send"),
            new("messaging.operation.name", "publish"),
            new("messaging.message.id", @event.Id.ToString()),
        };
        if (system is not null)
        {
            tags.Add(new("messaging.system", system));
        }

        if (destination is not null)
        {
            tags.Add(new("messaging.destination.name", destination));
        }

        return s_publish.StartActivity(ActivityKind.Producer, parent, tags, links, name: $"publish {@event.Type}");
    }

    /// <summary>
    /// The event as it travels: carrying its publish span's context, which the consumer's span continues. Without a
    /// span (nobody listens here) it keeps the context it was raised in, so the consumer still joins that trace.
    /// </summary>
    public static IntegrationEvent Carrying(IntegrationEvent @event, Activity? publish)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return EventTrace.Of(publish) is { } trace ? @event with { Trace = trace } : @event;
    }

    /// <summary>Marks a span as failed with <paramref name="exception"/>.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.AddException(exception);
    }
}
