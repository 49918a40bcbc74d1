using System.Diagnostics;
using IntegrationEvents;

namespace CustomerNotifications;

/// <summary>
/// The notifications' spans (activity source <see cref="SourceName"/>): one consumer span per event handled,
/// <c>process &lt;event type&gt;</c> after OpenTelemetry's messaging conventions. Started by the handler rather than by
/// a transport so that both deliveries get it, the worker's from RabbitMQ and the embedded mode's in process.
/// </summary>
public static class NotificationActivities
{
    /// <summary>The same name as the notifications' meter (<see cref="NotificationMetrics.MeterName"/>).</summary>
    public const string SourceName = "Commerce.Notifications";

    private static readonly ActivitySource s_source = new(SourceName);

    /// <summary>
    /// Starts the span of handling <paramref name="event"/> (it becomes <see cref="Activity.Current"/>, so the inbox's
    /// SQL, the mail and every log line inside carry its trace); null when nobody listens. Its parent is the context the
    /// event carries, the publish span, which is in the trace of the request that raised the event. An event carrying
    /// none (raised outside any trace) starts a trace here.
    /// </summary>
    public static Activity? StartProcess(IntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!s_source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        _ = @event.Trace?.TryGetContext(out parent);
        KeyValuePair<string, object?>[] tags =
        [
            new("messaging.operation.type", "process"),
            new("messaging.operation.name", "process"),
            new("messaging.message.id", @event.Id.ToString()),
        ];
        return s_source.StartActivity(ActivityKind.Consumer, parent, tags, name: $"process {@event.Type}");
    }
}
